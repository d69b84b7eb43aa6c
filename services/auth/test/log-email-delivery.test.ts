import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { createEvent } from '@versaai/events';
import type { HandlerContext } from '@versaai/events';
import { logEmailDelivery } from '../src/handlers/log-email-delivery.ts';
import { parseAccountConfig } from '../src/account-config.ts';

const TOKEN = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE';

async function deliver(env: Record<string, string>) {
  const lines: string[] = [];
  const stderr: string[] = [];
  const logger = createLogger({
    service: 'auth-test', level: 'info',
    destination: new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } }),
  });
  const handler = logEmailDelivery(parseAccountConfig(env), (line) => stderr.push(line));
  const event = createEvent('auth.password_reset_requested', {
    userId: 'u-1', email: 'ada@example.org', url: `https://chat.example.org/reset-password?token=${TOKEN}`, expiresAt: new Date().toISOString(),
  }, { source: 'auth', key: 'u-1' });
  await handler(event, { trx: {} as HandlerContext['trx'], logger, publish: async () => {}, afterTransaction: () => {} });
  return { log: lines.join(''), stderr: stderr.join('') };
}

describe('auth: e-mail delivery stand-in', () => {
  it('logs the event type and user, never the link or the address', async () => {
    const { log, stderr } = await deliver({});
    expect(JSON.parse(log)).toMatchObject({ eventType: 'auth.password_reset_requested', userId: 'u-1', level: 'info' });
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('ada@example.org');
    expect(stderr).toBe('');
  });

  it('writes the link for a developer only with AUTH_LOG_EMAIL_LINKS=true', async () => {
    const { log, stderr } = await deliver({ AUTH_LOG_EMAIL_LINKS: 'true' });
    expect(log).not.toContain(TOKEN);
    expect(stderr).toBe(`[AUTH_LOG_EMAIL_LINKS] auth.password_reset_requested for user u-1: https://chat.example.org/reset-password?token=${TOKEN}\n`);
  });
});
