import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir, waitFor, type TempDataDir } from '@versaai/testing';
import { registerAndAwaitProfile, request } from './http-client.ts';
import { CLEAN_ENV, freePort, runCli, terminate, type RunningCli } from './processes.ts';

describe('versaai start (all-in-one as a real process)', () => {
  let dataDir: TempDataDir;
  let cli: RunningCli;
  let url: string;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cli = runCli('versaai', ['start'], { ...CLEAN_ENV, PORT: String(port), HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir.dir });
    await waitFor(async () => ((await request(`${url}/ready`)).status === 200 ? true : undefined), { timeoutMs: 30_000 })
      .catch((error: Error) => { throw new Error(`${error.message}\n${cli.output()}`); });
  });

  afterAll(async () => {
    if (cli) await terminate(cli);
    await dataDir?.remove();
  });

  it('serves registration and the profile built from the event', async () => {
    const { userId, profile } = await registerAndAwaitProfile(url, 'linus@example.com', waitFor);
    expect(profile.body).toMatchObject({ userId, email: 'linus@example.com' });
  });

  it('exits with 0 after SIGTERM', async () => {
    const exit = await terminate(cli);
    expect(exit, cli.output()).toEqual({ code: 0, signal: null });
  });
});
