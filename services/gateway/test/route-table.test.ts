import { describe, expect, it } from 'vitest';
import { createGateway, matchRoute, routeTable, type GatewayRoute } from '../src/index.ts';

const route = (prefix: string, service: string, extra: Partial<GatewayRoute> = {}): GatewayRoute =>
  ({ prefix, service, auth: 'public', rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 1000, ...extra });

describe('gateway route table', () => {
  it('picks the longest prefix that covers the path', () => {
    expect(matchRoute(routeTable, '/api/auth/register')?.rateLimit).toBe('credentials');
    expect(matchRoute(routeTable, '/api/auth/login')?.auth).toBe('public');
    expect(matchRoute(routeTable, '/api/auth/sessions')?.auth).toBe('required');
    expect(matchRoute(routeTable, '/api/users/admin/users')?.roles).toEqual(['admin']);
    expect(matchRoute(routeTable, '/api/users/0193')?.service).toBe('users');
  });

  it('does not match a prefix that is only a string prefix of a segment', () => {
    expect(matchRoute(routeTable, '/api/usersx/1')).toBeUndefined();
    expect(matchRoute(routeTable, '/api/auth/registerx')?.prefix).toBe('/api/auth');
    expect(matchRoute(routeTable, '/api/users/administrator')?.roles).toBeUndefined();
  });

  it('lists the services it routes to', () => {
    expect(createGateway().services().sort()).toEqual(['ai', 'auth', 'chat', 'users']);
  });

  it('refuses entries that would misroute or skip authentication', () => {
    expect(() => createGateway([route('/api/users', 'auth')])).toThrow(/must live under \/api\/auth/);
    expect(() => createGateway([route('/health', 'auth')])).toThrow(/must start with \/api\//);
    // A root route (a protocol's fixed path, like OpenAI's /v1) may not hide inside /api/.
    expect(() => createGateway([route('/api/users', 'users', { root: true })])).toThrow(/outside \/api\//);
    expect(() => createGateway([route('/v1', 'ai', { root: true })])).not.toThrow();
    expect(() => createGateway([route('/api/auth', 'auth'), route('/api/auth', 'auth')])).toThrow(/twice/);
    expect(() => createGateway([route('/api/users', 'users', { roles: ['admin'] })])).toThrow(/must require auth/);
    expect(() => createGateway([route('/api/users', 'users', { auth: 'required', roles: [] })])).toThrow(/at least one role/);
  });
});
