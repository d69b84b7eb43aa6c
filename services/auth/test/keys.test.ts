import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, createLogger } from '@versaai/kernel';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { parseAuthConfig } from '../src/config.ts';
import { currentKey, readKeyFile, type KeyFile } from '../src/keys/key-file.ts';
import { createKeyStore } from '../src/keys/key-store.ts';
import { openKeyStore } from '../src/keys/open-key-store.ts';
import { RETIRED_KEY_GRACE_MS, rotateKeyFile, rotateKeys } from '../src/keys/rotate.ts';

const silent = createLogger({ service: 'keys-test', level: 'silent' });

describe('auth signing keys', () => {
  let data: TempDataDir;
  beforeEach(async () => {
    data = await tempDataDir();
  });
  afterEach(async () => {
    await data.remove();
  });

  it('generates the all-in-one key file on first start, readable by its owner only', async () => {
    const config = parseAuthConfig({ VERSAAI_DATA_DIR: data.dir });
    expect(config.keys).toEqual({ file: `${data.dir}/auth-keys.json`, inline: undefined, generateIfMissing: true });
    const store = await openKeyStore(config.keys, { logger: silent });
    const info = await stat(join(data.dir, 'auth-keys.json'));
    expect(info.mode & 0o777).toBe(0o600);
    const file = await readKeyFile(join(data.dir, 'auth-keys.json'));
    expect(file.keys).toHaveLength(1);
    expect((await store.signingKey()).kid).toBe(file.keys[0]!.kid);
    // A second start reuses the file.
    const again = await openKeyStore(config.keys, { logger: silent });
    expect((await again.signingKey()).kid).toBe(file.keys[0]!.kid);
  });

  it('stops a PostgreSQL (distributed) start without AUTH_KEYS_FILE or AUTH_KEYS with a one-line error naming AUTH_KEYS_FILE', () => {
    const attempt = () => parseAuthConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', VERSAAI_DATA_DIR: data.dir });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^Invalid configuration: AUTH_KEYS_FILE is required with a PostgreSQL DATABASE_URL[^\n]*$/);
    expect(parseAuthConfig({ DATABASE_URL: 'postgres://x@h/db', AUTH_KEYS_FILE: '/run/secrets/auth-keys.json' }).keys)
      .toEqual({ file: '/run/secrets/auth-keys.json', inline: undefined, generateIfMissing: false });
  });

  it('refuses a missing or malformed key file without echoing its content', async () => {
    const path = join(data.dir, 'given.json');
    await expect(openKeyStore({ file: path, inline: undefined, generateIfMissing: false }, { logger: silent })).rejects.toThrow(/AUTH_KEYS_FILE cannot be read/);
    await writeFile(path, '{"keys":[{"kid":"k","privateJwk":{"kty":"OKP","crv":"Ed25519","x":"SECRETX","d":"SECRETD"}}]}');
    const error = await openKeyStore({ file: path, inline: undefined, generateIfMissing: false }, { logger: silent }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration: AUTH_KEYS_FILE is not a key file/);
    expect((error as Error).message).not.toContain('SECRET');
    const inline = await openKeyStore({ file: undefined, inline: 'not json SECRETD', generateIfMissing: false }, { logger: silent }).catch((caught: Error) => caught);
    expect((inline as Error).message).toBe('Invalid configuration: AUTH_KEYS is not valid JSON');
  });

  it('rotation: the new key signs, the previous one retires and stays published, keys retired longer than a token lives are dropped', async () => {
    const t0 = new Date('2026-03-01T00:00:00Z');
    const first = await rotateKeys(undefined, t0);
    expect(first.retired).toEqual([]);
    const t1 = new Date(t0.getTime() + 60 * 60_000);
    const second = await rotateKeys(first.file, t1);
    expect(currentKey(second.file).kid).toBe(second.added.kid);
    expect(second.retired).toEqual([first.added.kid]);
    expect(second.file.keys.map((key) => [key.kid, key.retiredAt])).toEqual([[first.added.kid, t1.toISOString()], [second.added.kid, undefined]]);

    // Within the grace (15 min tokens + 5 min), the retired key is kept.
    const third = await rotateKeys(second.file, new Date(t1.getTime() + RETIRED_KEY_GRACE_MS));
    expect(third.dropped).toEqual([]);
    expect(third.file.keys).toHaveLength(3);
    const fourth = await rotateKeys(third.file, new Date(t1.getTime() + RETIRED_KEY_GRACE_MS + 1));
    expect(fourth.dropped).toEqual([first.added.kid]);
    expect(fourth.file.keys.map((key) => key.kid)).toEqual([second.added.kid, third.added.kid, fourth.added.kid]);
    expect(RETIRED_KEY_GRACE_MS).toBe(20 * 60_000);
  });

  it('rotates a file atomically with mode 0600 (creating it when missing)', async () => {
    const path = join(data.dir, 'keys', 'auth-keys.json');
    const created = await rotateKeyFile(path);
    expect(created.created).toBe(true);
    const rotated = await rotateKeyFile(path);
    expect(rotated.created).toBe(false);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const file: KeyFile = JSON.parse(await readFile(path, 'utf8'));
    expect(file.keys.map((key) => key.kid)).toEqual([created.added.kid, rotated.added.kid]);
  });

  it('re-reads the key file when it changes, checking at most every interval', async () => {
    const path = join(data.dir, 'auth-keys.json');
    const first = await rotateKeyFile(path);
    let clock = 0;
    const store = await createKeyStore({ kind: 'file', path }, { now: () => clock, checkIntervalMs: 2_000 });
    expect((await store.signingKey()).kid).toBe(first.added.kid);
    const second = await rotateKeyFile(path);
    clock = 1_999;
    expect((await store.signingKey()).kid).toBe(first.added.kid);
    clock = 2_000;
    expect((await store.signingKey()).kid).toBe(second.added.kid);
    const jwks = await store.jwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual([first.added.kid, second.added.kid]);
    for (const key of jwks.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);

    // A broken write keeps the keys loaded before.
    await writeFile(path, '{ broken');
    clock = 10_000;
    expect((await store.signingKey()).kid).toBe(second.added.kid);
  });
});
