import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '@versaai/events';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { startUsersPlatform, type UsersPlatform } from './users-platform.ts';

// UUIDv7-like ids: their order is registration order, which the list follows (newest first).
const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describeOnBothDialects('users: administration under /api/users/admin', (harness) => {
  let users: UsersPlatform;
  const admin = { sub: id(1), role: 'admin' as const };

  beforeAll(async () => {
    users = await startUsersPlatform(harness);
    await users.register(id(1), 'root@example.org', 'Root');
    // The first admin is made by auth's create-admin command: its user.updated is projected here.
    await users.publish(createEvent('user.updated', { userId: id(1), changes: { role: 'admin' } }, { source: 'auth', key: id(1) }));
    await waitFor(async () => ((await users.db.selectFrom('profiles').select('role').where('user_id', '=', id(1)).executeTakeFirst())?.role === 'admin' ? true : undefined));
    const people = [
      [2, 'ada@example.org', 'Ada Lovelace'], [3, 'alan@example.org', 'Alan Turing'], [4, 'grace@example.org', 'Grace Hopper'],
      [5, 'alvaro@example.org', 'ÁLVARO Núñez'], [6, 'percent@example.org', 'Fifty 50% off'], [7, 'under_score@example.org', 'Under Score'],
      [8, 'edsger@example.org', null],
    ] as const;
    for (const [n, email, name] of people) await users.register(id(n), email, name ?? undefined);
  });

  afterAll(async () => {
    await users?.stop();
  });

  const list = async (query: string) => {
    const response = await users.call({ url: `/api/users/admin/users${query}`, as: admin });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: Array<{ userId: string; email: string }>; nextCursor: string | null };
  };
  const emails = (page: { items: Array<{ email: string }> }) => page.items.map((item) => item.email);

  it('refuses anonymous callers (401) and non-admins (403), whatever the route', async () => {
    const routes = [
      ['GET', '/api/users/admin/users'], ['GET', `/api/users/admin/users/${id(2)}`], ['POST', `/api/users/admin/users/${id(2)}/disable`],
      ['POST', `/api/users/admin/users/${id(2)}/enable`], ['PATCH', `/api/users/admin/users/${id(2)}/role`],
    ] as const;
    for (const [method, url] of routes) {
      const body = method === 'PATCH' ? { role: 'admin' } : undefined;
      expect((await users.call({ method, url, body })).statusCode).toBe(401);
      const forbidden = await users.call({ method, url, body, as: { sub: id(2) } });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().code).toBe('AUTH_FORBIDDEN');
    }
    expect((await users.call({ url: `/api/users/admin/users/${id(2)}`, as: { sub: id(2) } })).statusCode).toBe(403);
  });

  it('lists every user newest first, with keyset pagination', async () => {
    const first = await list('?limit=3');
    expect(first.items.map((item) => item.userId)).toEqual([id(8), id(7), id(6)]);
    expect(first.nextCursor).toEqual(expect.any(String));
    // A user registering between two pages neither shifts nor repeats rows.
    await users.register(id(9), 'late@example.org', 'Late Comer');
    const second = await list(`?limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.userId)).toEqual([id(5), id(4), id(3)]);
    const third = await list(`?limit=3&cursor=${second.nextCursor}`);
    expect(third.items.map((item) => item.userId)).toEqual([id(2), id(1)]);
    expect(third.nextCursor).toBeNull();
    expect((await list('')).items).toHaveLength(9);
  });

  it('searches e-mail and display name by substring in any case, wildcards taken literally', async () => {
    expect(emails(await list('?q=AL'))).toEqual(['alvaro@example.org', 'alan@example.org']);
    expect(emails(await list('?q=hopper'))).toEqual(['grace@example.org']);
    expect(emails(await list(`?q=${encodeURIComponent('álvaro nú')}`))).toEqual(['alvaro@example.org']);
    expect(emails(await list(`?q=${encodeURIComponent('50%')}`))).toEqual(['percent@example.org']);
    expect(emails(await list(`?q=${encodeURIComponent('%')}`))).toEqual(['percent@example.org']);
    expect(emails(await list('?q=_'))).toEqual(['under_score@example.org']);
    expect(emails(await list('?q=nobody-matches'))).toEqual([]);
    const paged = await list('?q=example.org&limit=2');
    expect(paged.items).toHaveLength(2);
    expect(emails(await list(`?q=example.org&limit=2&cursor=${paged.nextCursor}`))).toHaveLength(2);
  });

  it('validates the query: limit 1..100, known filters, a real cursor', async () => {
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?status=gone', '?role=root', '?sort=email', '?cursor=not-a-cursor', `?q=${'x'.repeat(101)}`]) {
      const response = await users.call({ url: `/api/users/admin/users${query}`, as: admin });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code, query).toBe('VALIDATION_FAILED');
    }
  });

  it('disables and enables a user, publishing user.updated with the status only', async () => {
    const disabled = await users.call({ method: 'POST', url: `/api/users/admin/users/${id(3)}/disable`, as: admin });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ userId: id(3), status: 'disabled', role: 'user' });
    // Twice is the same: no second event.
    expect((await users.call({ method: 'POST', url: `/api/users/admin/users/${id(3)}/disable`, as: admin })).json().status).toBe('disabled');
    expect(emails(await list('?status=disabled'))).toEqual(['alan@example.org']);
    // The disabled user's still-valid token no longer works here.
    const locked = await users.call({ url: '/api/users/me', as: { sub: id(3) } });
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe('USERS_ACCOUNT_DISABLED');
    expect((await users.call({ method: 'PATCH', url: '/api/users/me', as: { sub: id(3) }, body: { locale: 'es' } })).statusCode).toBe(401);

    const enabled = await users.call({ method: 'POST', url: `/api/users/admin/users/${id(3)}/enable`, as: admin });
    expect(enabled.json()).toMatchObject({ userId: id(3), status: 'active' });
    expect((await users.call({ url: '/api/users/me', as: { sub: id(3) } })).statusCode).toBe(200);
    const events = await users.published(2);
    expect(events.map((event) => [event.key, event.data])).toEqual([
      [id(3), { userId: id(3), changes: { status: 'disabled' } }],
      [id(3), { userId: id(3), changes: { status: 'active' } }],
    ]);
  });

  it('changes a role, publishing user.updated with the role only', async () => {
    const promoted = await users.call({ method: 'PATCH', url: `/api/users/admin/users/${id(4)}/role`, as: admin, body: { role: 'admin' } });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({ userId: id(4), role: 'admin' });
    expect(emails(await list('?role=admin'))).toEqual(['grace@example.org', 'root@example.org']);
    expect((await users.published(1)).map((event) => event.data)).toEqual([{ userId: id(4), changes: { role: 'admin' } }]);
    const bad = await users.call({ method: 'PATCH', url: `/api/users/admin/users/${id(4)}/role`, as: admin, body: { role: 'owner' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const demoted = await users.call({ method: 'PATCH', url: `/api/users/admin/users/${id(4)}/role`, as: { sub: id(1), role: 'admin' }, body: { role: 'user' } });
    expect(demoted.json().role).toBe('user');
    expect((await users.published(1)).map((event) => event.data)).toEqual([{ userId: id(4), changes: { role: 'user' } }]);
  });

  it('refuses an admin disabling or demoting themself with 409 USERS_CANNOT_CHANGE_SELF', async () => {
    const disable = await users.call({ method: 'POST', url: `/api/users/admin/users/${id(1)}/disable`, as: admin });
    expect(disable.statusCode).toBe(409);
    expect(disable.json().code).toBe('USERS_CANNOT_CHANGE_SELF');
    const demote = await users.call({ method: 'PATCH', url: `/api/users/admin/users/${id(1)}/role`, as: admin, body: { role: 'user' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('USERS_CANNOT_CHANGE_SELF');
    expect((await users.call({ url: `/api/users/admin/users/${id(1)}`, as: admin })).json()).toMatchObject({ role: 'admin', status: 'active' });
  });

  it('answers 404 USER_NOT_FOUND for an unknown user', async () => {
    for (const [method, url] of [['GET', `/api/users/admin/users/${id(99)}`], ['POST', `/api/users/admin/users/${id(99)}/disable`]] as const) {
      const response = await users.call({ method, url, as: admin });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('USER_NOT_FOUND');
    }
  });

  it('applies role and status from auth events and ignores its own events coming back', async () => {
    await users.publish(createEvent('user.updated', { userId: id(6), changes: { status: 'disabled', displayName: 'ignored' } }, { source: 'auth', key: id(6) }));
    // Its own echo would (wrongly) re-apply a stale role; it must be ignored.
    await users.publish(createEvent('user.updated', { userId: id(7), changes: { role: 'admin' } }, { source: 'users', key: id(7) }));
    await users.publish(createEvent('user.updated', { userId: id(7), changes: { status: 'disabled' } }, { source: 'auth', key: id(7) }));
    await waitFor(async () => {
      const rows = await users.db.selectFrom('profiles').select(['user_id', 'status']).where('user_id', 'in', [id(6), id(7)]).execute();
      return rows.every((row) => row.status === 'disabled') ? true : undefined;
    });
    const six = (await users.call({ url: `/api/users/admin/users/${id(6)}`, as: admin })).json();
    expect(six).toMatchObject({ status: 'disabled', displayName: 'Fifty 50% off' });
    expect((await users.call({ url: `/api/users/admin/users/${id(7)}`, as: admin })).json()).toMatchObject({ status: 'disabled', role: 'user' });
  });

  it('applies an auth event that overtakes the registration once the profile exists', async () => {
    await users.publish(createEvent('user.updated', { userId: id(20), changes: { role: 'admin' } }, { source: 'auth', key: id(20) }));
    await users.register(id(20), 'second-admin@example.org');
    await waitFor(async () => ((await users.db.selectFrom('profiles').select('role').where('user_id', '=', id(20)).executeTakeFirst())?.role === 'admin' ? true : undefined), { timeoutMs: 20_000 });
  });

  it('refuses a disabled admin', async () => {
    await users.register(id(30), 'old-admin@example.org');
    await users.call({ method: 'POST', url: `/api/users/admin/users/${id(30)}/disable`, as: admin });
    const response = await users.call({ url: '/api/users/admin/users', as: { sub: id(30), role: 'admin' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('USERS_ACCOUNT_DISABLED');
  });
});
