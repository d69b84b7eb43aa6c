import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { CLEAN_ENV, runCli } from './processes.ts';

describe('versaai auth rotate-keys', () => {
  let data: TempDataDir;
  beforeAll(async () => {
    data = await tempDataDir();
  });
  afterAll(async () => {
    await data?.remove();
  });

  async function rotate(args: string[], env: Record<string, string> = {}) {
    const cli = runCli('rotate', ['auth', 'rotate-keys', ...args], { ...CLEAN_ENV, VERSAAI_DATA_DIR: data.dir, ...env });
    const exit = await cli.exit;
    return { code: exit.code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  it('creates, then rotates the file given with --file; prints key ids only', async () => {
    const path = join(data.dir, 'secret', 'keys.json');
    const created = await rotate(['--file', path]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created .*keys\.json: signing key \S+\n$/);
    const rotated = await rotate(['--file', path]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const file = JSON.parse(await readFile(path, 'utf8')) as { keys: Array<{ kid: string; retiredAt?: string; privateJwk: { d: string } }> };
    expect(file.keys).toHaveLength(2);
    expect(file.keys[0]!.retiredAt).toEqual(expect.any(String));
    expect(rotated.stdout).toContain(`retired (still verifying): ${file.keys[0]!.kid}`);
    expect(rotated.stdout).toContain(`signing key ${file.keys[1]!.kid}`);
    for (const key of file.keys) expect(created.stdout + rotated.stdout).not.toContain(key.privateJwk.d);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('defaults to the all-in-one key file under VERSAAI_DATA_DIR', async () => {
    const result = await rotate([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(join(data.dir, 'auth-keys.json'));
  });

  it('refuses to rotate keys given inline in AUTH_KEYS (exit 78, naming the variable)', async () => {
    const result = await rotate([], { AUTH_KEYS: '{"keys":[]}' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('AUTH_KEYS holds the keys inline');
  });
});
