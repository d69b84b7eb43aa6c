import type { AdminModel, AdminUser, SystemStatus } from '../src/api/contracts.ts';
import { json, tokens } from './fake-api.ts';

/** A refresh answer that signs in as an administrator (id `admin-1`). */
export const adminSession = () => json(200, { ...tokens('admin-token', 'root@example.com'), user: { id: 'admin-1', email: 'root@example.com', role: 'admin' } });

export function adminUser(overrides: Partial<AdminUser> = {}): AdminUser {
  return {
    userId: 'u-bob', email: 'bob@example.com', displayName: 'Bob', avatarUrl: null, locale: null, timeZone: null,
    role: 'user', status: 'active', createdAt: '2026-03-04T10:00:00.000Z', updatedAt: '2026-03-04T10:00:00.000Z', ...overrides,
  };
}

export function adminModel(overrides: Partial<AdminModel> = {}): AdminModel {
  return {
    id: 'llama-3.1-8b-instant', provider: 'groq', upstreamModel: 'llama-3.1-8b-instant', contextWindow: 131072, maxOutputTokens: 8192,
    inputPricePerMillion: 0.05, outputPricePerMillion: 0.08, enabled: true, allowedPlans: [], fallbacks: [], isDefault: true,
    source: 'config', providerConfigured: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...overrides,
  };
}

/** A distributed platform: users has one ready replica, one down, and its group one dead letter. */
export function systemStatus(): SystemStatus {
  const ok = (name: string) => ({ name, outcome: 'ok' as const });
  return {
    topology: 'distributed',
    checkedAt: '2026-11-28T04:00:00.000Z',
    services: [
      { name: 'gateway', available: true, replicas: [{ replica: 'in-process', health: 'up', readiness: 'ready', checks: [] }] },
      {
        name: 'users', available: true, replicas: [
          { replica: 'http://users-1:8080', health: 'up', readiness: 'ready', checks: [ok('users-database'), ok('users-consumer'), ok('bus')] },
          { replica: 'http://users-2:8080', health: 'down', readiness: 'unknown', checks: [], problem: 'unreachable' },
        ],
      },
      {
        name: 'chat', available: false, replicas: [
          { replica: 'http://chat-1:8080', health: 'up', readiness: 'not_ready', checks: [{ name: 'chat-database', outcome: 'failed' }, ok('chat-consumer'), { name: 'bus', outcome: 'timed out' }] },
        ],
      },
    ],
    bus: {
      kind: 'redis',
      groups: [
        { group: 'chat', lag: 12, deadLetters: { count: 0, countCapped: false, newest: [] } },
        {
          group: 'users', lag: 0, deadLetters: {
            count: 1, countCapped: false,
            newest: [{ id: 'users:1732766400000-0', type: 'user.registered', error: 'Event user.registered v99 is not known', deliveries: 1, failedAt: '2026-11-28T03:59:00.000Z' }],
          },
        },
      ],
    },
  };
}
