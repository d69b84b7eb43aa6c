// Where the test infrastructure lives; CI and developers can point elsewhere via env.
export type TestService = 'postgres' | 'redis';

export function postgresTestUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function redisTestUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function testServiceUrl(service: TestService): string {
  return service === 'postgres' ? postgresTestUrl() : redisTestUrl();
}

/** The URL without its password, safe to print in skip messages and errors. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
