import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { CLEAN_ENV, runCli } from './processes.ts';

describe('versaai gateway export-kong', () => {
  let dir: TempDataDir;
  beforeAll(async () => { dir = await tempDataDir(); });
  afterAll(async () => { await dir?.remove(); });

  it('prints YAML to stdout, with upstreams, Redis and CORS from the environment', async () => {
    const cli = runCli('export-kong', ['gateway', 'export-kong'], {
      ...CLEAN_ENV, VERSAAI_UPSTREAMS: 'users=http://10.1.2.3:9000', REDIS_URL: 'redis://redis.internal:6379', CORS_ORIGINS: 'https://app.example.com',
    });
    expect((await cli.exit).code, cli.output()).toBe(0);
    const config = parse(cli.stdout());
    expect(config._format_version).toBe('3.0');
    expect(config.upstreams.find((upstream: { name: string }) => upstream.name === 'users.versaai').targets).toEqual([{ target: '10.1.2.3:9000' }]);
    expect(JSON.stringify(config)).toContain('"policy":"redis"');
    expect(config.plugins[0].config.origins).toEqual(['https://app.example.com']);
  });

  it('writes JSON to --out', async () => {
    const out = join(dir.dir, 'kong.json');
    const cli = runCli('export-kong', ['gateway', 'export-kong', '--format', 'json', '--out', out], CLEAN_ENV);
    expect((await cli.exit).code, cli.output()).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))._format_version).toBe('3.0');
  });

  it("turns auth's JWKS, read from its URL, into jwt credentials", async () => {
    const jwk = { ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'EdDSA' };
    const server = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/.well-known/jwks.json`;
      const cli = runCli('export-kong', ['gateway', 'export-kong', '--jwks', url], CLEAN_ENV);
      expect((await cli.exit).code, cli.output()).toBe(0);
      const [consumer] = parse(cli.stdout()).consumers;
      expect(consumer.jwt_secrets).toEqual([expect.objectContaining({ key: 'k1', algorithm: 'EdDSA', rsa_public_key: expect.stringContaining('BEGIN PUBLIC KEY') })]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses an unknown format', async () => {
    const cli = runCli('export-kong', ['gateway', 'export-kong', '--format', 'toml'], CLEAN_ENV);
    expect((await cli.exit).code).not.toBe(0);
    expect(cli.stderr()).toContain('toml');
  });
});
