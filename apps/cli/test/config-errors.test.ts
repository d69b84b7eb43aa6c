import { describe, expect, it } from 'vitest';
import { CLEAN_ENV, runCli } from './processes.ts';

describe('configuration errors stop the process with one line', () => {
  it('exits 78 with one stderr line naming PORT when PORT is not a port', async () => {
    const cli = runCli('versaai', ['start'], { ...CLEAN_ENV, PORT: 'eighty' });
    const exit = await cli.exit;
    expect(exit.code).toBe(78);
    const lines = cli.stderr().trim().split('\n');
    expect(lines, cli.output()).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT /);
  });

  it('requires REDIS_URL for a separate service process on PostgreSQL', async () => {
    const cli = runCli('versaai', ['start', '--service', 'users'], { ...CLEAN_ENV, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    const exit = await cli.exit;
    expect(exit.code).toBe(78);
    expect(cli.stderr().trim()).toBe(
      'Invalid configuration: REDIS_URL is required when services run as separate processes (--service) with PostgreSQL: the embedded bus only works inside one process');
  });

  it('rejects an unknown service name', async () => {
    const cli = runCli('versaai', ['start', '--service', 'billing'], CLEAN_ENV);
    expect((await cli.exit).code).toBe(78);
    expect(cli.stderr()).toMatch(/--service must list services among gateway, auth, users/);
  });

  it('needs VERSAAI_UPSTREAMS for a gateway that hosts no service', async () => {
    const cli = runCli('versaai', ['start', '--service', 'gateway'], { ...CLEAN_ENV, VERSAAI_UPSTREAMS: 'auth=http://127.0.0.1:1' });
    expect((await cli.exit).code).toBe(78);
    expect(cli.stderr().trim()).toMatch(/^Invalid configuration: VERSAAI_UPSTREAMS has no URL for users/);
  });

  it('needs AUTH_JWKS_URL for a service process that cannot reach auth otherwise', async () => {
    const cli = runCli('versaai', ['start', '--service', 'users'], CLEAN_ENV);
    expect((await cli.exit).code).toBe(78);
    expect(cli.stderr().trim()).toMatch(/^Invalid configuration: AUTH_JWKS_URL is required when auth runs in another process/);
  });
});
