import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@versaai/storage';
import { createTestDatabase, requireService, spawnNode, tempDataDir, type TempDataDir, type TestDatabase } from '@versaai/testing';
import { verifyPassword } from '../../../services/auth/src/passwords.ts';
import { CLEAN_ENV, MAIN } from './processes.ts';

// Each case starts a CLI process (tsx, migrations, one argon2 hash): give a busy machine time.
const SLOW = { timeout: 120_000 };

/** `versaai users create-admin …` with `stdin` piped in, as an operator would: `echo pw | versaai …`. */
async function createAdmin(args: string[], env: Record<string, string>, stdin: string) {
  const child = spawnNode(MAIN, ['users', 'create-admin', ...args], { ...CLEAN_ENV, ...env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdin?.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout: stdout.trim(), stderr: stderr.trim() };
}

/** `full`: every case; otherwise only what touches SQL (creation, promotion), as each case costs a process. */
function suite(dialect: 'sqlite' | 'postgres', full: boolean) {
  let dataDir: TempDataDir;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;
  let auth: Database;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    if (dialect === 'postgres') pg = await createTestDatabase();
    env = { VERSAAI_DATA_DIR: dataDir.dir, DATABASE_URL: pg?.url ?? '' };
  });
  afterAll(async () => {
    await auth?.close();
    await pg?.drop();
    await dataDir?.remove();
  });

  const openAuth = async () => (auth ??= await openDatabase({ service: 'auth', databaseUrl: pg?.url, dataDir: dataDir.dir }));
  const outboxTypes = async () => (await (await openAuth()).db.selectFrom('versaai_outbox').select(['type', 'payload']).orderBy('id').execute())
    .map((row) => ({ type: row.type as string, data: JSON.parse(row.payload as string).data }));

  it('creates an admin with the password from stdin and queues user.registered and user.updated', SLOW, async () => {
    const run = await createAdmin(['--email', 'Root@Example.org', '--password-stdin'], env, 'an admin password 1\n');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Created admin root@example\.org \([0-9a-f-]{36}\)\.$/);
    const row = await (await openAuth()).db.selectFrom('credentials').selectAll().where('email', '=', 'root@example.org').executeTakeFirstOrThrow();
    expect(row.role).toBe('admin');
    expect(row.status).toBe('active');
    // The newline added by `echo` is not part of the password.
    expect(await verifyPassword(row.password_hash, 'an admin password 1')).toBe(true);
    // No platform runs: the events wait in the outbox for the relay's next start.
    expect(await outboxTypes()).toEqual([
      { type: 'user.registered', data: { userId: row.id, email: 'root@example.org', registeredAt: expect.any(String) } },
      { type: 'user.updated', data: { userId: row.id, changes: { role: 'admin' } } },
    ]);
  });

  if (full) {
    it('leaves an existing admin alone', SLOW, async () => {
      const run = await createAdmin(['--email', 'root@example.org', '--password-stdin'], env, 'whatever it is\n');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/is already an admin; nothing changed\.$/);
      expect(await outboxTypes()).toHaveLength(2);
    });
  }

  it('promotes an existing user without touching the password', SLOW, async () => {
    const db = (await openAuth()).db;
    await db.insertInto('credentials').values({ id: 'user-1', email: 'ada@example.org', password_hash: 'kept-hash', created_at: new Date().toISOString() }).execute();
    const run = await createAdmin(['--email', 'ada@example.org', '--password-stdin'], env, '');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Promoted ada@example.org (user-1) to admin; the password is unchanged.');
    const row = await db.selectFrom('credentials').selectAll().where('id', '=', 'user-1').executeTakeFirstOrThrow();
    expect([row.role, row.password_hash]).toEqual(['admin', 'kept-hash']);
    expect((await outboxTypes()).at(-1)).toEqual({ type: 'user.updated', data: { userId: 'user-1', changes: { role: 'admin' } } });
  });

  if (full) {
    it('refuses a weak password and a bad address with exit 1 and one line', SLOW, async () => {
      const weak = await createAdmin(['--email', 'weak@example.org', '--password-stdin'], env, 'short\n');
      expect(weak.code).toBe(1);
      expect(weak.stderr.split('\n')).toHaveLength(1);
      expect(weak.stderr).toMatch(/^Password refused: /);
      const empty = await createAdmin(['--email', 'weak@example.org', '--password-stdin'], env, '');
      expect([empty.code, empty.stderr]).toEqual([1, 'No password on stdin.']);
      const address = await createAdmin(['--email', 'not-an-address', '--password-stdin'], env, 'an admin password 1\n');
      expect([address.code, address.stderr]).toEqual([1, 'Not an e-mail address: "not-an-address"']);
      const none = await (await openAuth()).db.selectFrom('credentials').select('id').where('email', '=', 'weak@example.org').execute();
      expect(none).toEqual([]);
    });
  }

  if (full) {
    it('exits 78 naming the variable on a bad setting', SLOW, async () => {
      const run = await createAdmin(['--email', 'root@example.org', '--password-stdin'], { ...env, ARGON2_TIME_COST: 'lots' }, 'an admin password 1\n');
      expect(run.code).toBe(78);
      expect(run.stderr).toMatch(/^Invalid configuration: ARGON2_TIME_COST /);
    });
  }
}

describe('versaai users create-admin', () => {
  describe('sqlite', () => suite('sqlite', true));
  describe('postgres', async () => {
    const hasPostgres = await requireService('postgres', 'versaai users create-admin');
    describe.skipIf(!hasPostgres)('on postgres', () => suite('postgres', false));
  });
});
