import type { MeDocument, Theme } from '../src/api/contracts.ts';

/** A GET /api/users/me answer, as docs/users.md shows it. */
export function meDocument(overrides: { theme?: Theme; defaultModel?: string | null } & Partial<Omit<MeDocument, 'preferences'>> = {}): MeDocument {
  const { theme = 'system', defaultModel = null, ...profile } = overrides;
  return {
    userId: 'u1', email: 'ada@example.com', displayName: 'Ada', avatarUrl: null, locale: null, timeZone: 'Europe/Madrid',
    role: 'user', status: 'active', createdAt: '2026-01-02T03:04:05.678Z', updatedAt: '2026-01-02T03:04:05.678Z',
    ...profile,
    preferences: { defaultModel, theme, notifications: { email: true, slack: false, push: false, inApp: true } },
  };
}
