import { describe, expect, it } from 'vitest';
import { createLogger, isSecretKey, redactConfig, redactString } from '../src/index.ts';
import { MemoryDestination } from './support/memory-destination.ts';

const SECRETS = {
  dbPassword: 'pw-db-1111',
  jwtSecret: 'jwt-secret-2222',
  refreshToken: 'refresh-3333',
  apiKey: 'apikey-4444',
  groqKey: 'gsk-5555',
  cookie: 'sid=cookie-6666',
  authorization: 'Bearer auth-7777',
  privateKey: '-----BEGIN PRIVATE KEY-----8888',
  pgPassword: 'pg-pass-9999',
  redisPassword: 'redis-pass-0000',
  stripe: 'sk_live_abcd',
  smtp: 'smtp-pass-1212',
  smtpPass: 'nodemailer-pass-1414',
  queryToken: 'query-token-1313',
};

const config = {
  PORT: 3000,
  DATABASE_URL: `postgres://versaai:${SECRETS.pgPassword}@db:5432/app`,
  REDIS_URL: `redis://:${SECRETS.redisPassword}@cache:6379`,
  GROQ_API_KEY: SECRETS.groqKey,
  auth: { jwt: { secret: SECRETS.jwtSecret, issuer: 'versaai' }, password: SECRETS.dbPassword },
  providers: [{ name: 'groq', api_key: SECRETS.apiKey, baseUrl: 'https://api.groq.test/openai/v1' }],
  deeply: { nested: { level: { four: { STRIPE_SECRET_KEY: SECRETS.stripe, smtp: { user: 'mailer', pass: SECRETS.smtpPass, PASSWORD: SECRETS.smtp } } } } },
  headers: { authorization: SECRETS.authorization, cookie: SECRETS.cookie, 'x-request-id': 'r-1' },
  session: { refreshToken: SECRETS.refreshToken },
  keys: { privateKey: SECRETS.privateKey, kid: 'key-1' },
  webhook: `https://hooks.example.test/notify?token=${SECRETS.queryToken}&channel=general`,
  usage: { maxTokens: 4096, promptTokens: 12 },
};

describe('createLogger', () => {
  it('logs JSON lines with the service name and level label', () => {
    const destination = new MemoryDestination();
    createLogger({ service: 'chat', destination }).info({ conversationId: 'c1' }, 'hello');
    const [entry] = destination.entries();
    expect(entry).toMatchObject({ level: 'info', service: 'chat', conversationId: 'c1', msg: 'hello' });
    expect(typeof entry?.time).toBe('string');
  });

  it('never writes a secret of a logged config object, at any depth', () => {
    const destination = new MemoryDestination();
    const logger = createLogger({ service: 'auth', destination });
    logger.info({ config }, 'configuration loaded');
    logger.child({ upstream: config.DATABASE_URL }).warn(`retrying ${config.REDIS_URL}`);
    logger.error({ err: new Error(`connect failed: ${config.DATABASE_URL}`) }, 'boom');

    for (const secret of Object.values(SECRETS)) expect(destination.text).not.toContain(secret);

    const [loaded, retrying, failed] = destination.entries();
    const logged = loaded?.config as typeof config;
    expect(logged.DATABASE_URL).toBe('postgres://versaai:***@db:5432/app');
    expect(logged.REDIS_URL).toBe('redis://:***@cache:6379');
    expect(logged.auth.jwt).toEqual({ secret: '[REDACTED]', issuer: 'versaai' });
    expect(logged.providers[0]).toEqual({ name: 'groq', api_key: '[REDACTED]', baseUrl: 'https://api.groq.test/openai/v1' });
    expect(logged.deeply.nested.level.four.smtp.PASSWORD).toBe('[REDACTED]');
    expect(logged.headers['x-request-id']).toBe('r-1');
    expect(logged.keys.kid).toBe('key-1');
    expect(logged.usage).toEqual({ maxTokens: 4096, promptTokens: 12 });
    expect(logged.webhook).toBe('https://hooks.example.test/notify?token=***&channel=general');
    expect(retrying).toMatchObject({ upstream: 'postgres://versaai:***@db:5432/app', msg: 'retrying redis://:***@cache:6379' });
    expect((failed?.err as { message: string }).message).toBe('connect failed: postgres://versaai:***@db:5432/app');
  });
});

describe('redactConfig', () => {
  it('returns a redacted deep copy and leaves the original intact', () => {
    const copy = redactConfig(config);
    expect(copy).not.toBe(config);
    expect(copy.GROQ_API_KEY).toBe('[REDACTED]');
    expect(copy.session.refreshToken).toBe('[REDACTED]');
    expect(copy.PORT).toBe(3000);
    expect(config.GROQ_API_KEY).toBe(SECRETS.groqKey);
    expect(JSON.stringify(copy)).not.toMatch(/pw-db|jwt-secret|refresh-3333|apikey-4444|gsk-5555|pg-pass|redis-pass|sk_live/);
  });

  it('copes with cycles', () => {
    const cyclic: Record<string, unknown> = { token: 't-1' };
    cyclic.self = cyclic;
    const copy = redactConfig(cyclic);
    expect(copy.token).toBe('[REDACTED]');
    expect(copy.self).toBe(copy);
  });
});

describe('secret detection', () => {
  it('judges keys by their words', () => {
    for (const key of ['password', 'DB_PASSWORD', 'clientSecret', 'accessToken', 'refresh_token', 'apiKey', 'x-api-key',
      'GROQ_API_KEY', 'SMTP_PASS', 'authorization', 'Cookie', 'set-cookie', 'privateKey', 'VAPID_PRIVATE_KEY', 'STRIPE_SECRET_KEY', 'credentials']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['maxTokens', 'promptTokens', 'key', 'idempotencyKey', 'kid', 'username', 'passport', 'author']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('masks URL credentials in free text', () => {
    expect(redactString('postgres://user:pw@host/db')).toBe('postgres://user:***@host/db');
    expect(redactString('redis://:pw@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(redactString('redis://default:pw@host and amqp://tok@mq')).toBe('redis://default:***@host and amqp://***@mq');
    expect(redactString('http://127.0.0.1:3000/api/users/1')).toBe('http://127.0.0.1:3000/api/users/1');
    expect(redactString('/oauth/callback?code=abc&api_key=k1')).toBe('/oauth/callback?code=abc&api_key=***');
  });
});
