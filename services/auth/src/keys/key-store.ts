import { stat } from 'node:fs/promises';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { Logger } from '@versaai/kernel';
import { ACCESS_TOKEN_ALGORITHM } from '@versaai/identity';
import { currentKey, readKeyFile, type KeyFile } from './key-file.ts';

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

export interface PublicJwks {
  keys: JWK[];
}

/** Auth's signing keys, kept current with the key file. */
export interface KeyStore {
  signingKey(): Promise<SigningKey>;
  /** Public keys of every key in the file (the retired ones still verify their tokens). */
  jwks(): Promise<PublicJwks>;
}

export type KeySource = { kind: 'file'; path: string } | { kind: 'static'; file: KeyFile };

interface Loaded {
  signing: SigningKey;
  jwks: PublicJwks;
}

async function load(file: KeyFile): Promise<Loaded> {
  const signer = currentKey(file);
  return {
    signing: { kid: signer.kid, key: (await importJWK(signer.privateJwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey },
    // Only the public members: a private `d` must never be served, whatever the file holds.
    jwks: {
      keys: file.keys.map((stored) => ({
        kty: stored.publicJwk.kty, crv: stored.publicJwk.crv, x: stored.publicJwk.x, kid: stored.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig',
      })),
    },
  };
}

function fingerprint(info: { mtimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.size}:${info.ino}`;
}

/**
 * Holds the keys in memory and, for a file, looks at its mtime at most every
 * `checkIntervalMs`: a rotation written by `versaai auth rotate-keys` (or a Kubernetes secret
 * update) is picked up by every replica without a restart. A file that cannot be read keeps
 * the keys loaded last (logged, never with the content).
 */
export async function createKeyStore(source: KeySource, opts: { logger?: Logger; now?: () => number; checkIntervalMs?: number } = {}): Promise<KeyStore> {
  const now = opts.now ?? Date.now;
  const checkIntervalMs = opts.checkIntervalMs ?? 2_000;
  let loaded: Loaded;
  let seen = '';
  let lastCheck = now();

  if (source.kind === 'static') {
    loaded = await load(source.file);
  } else {
    seen = fingerprint(await stat(source.path));
    loaded = await load(await readKeyFile(source.path));
  }

  let checking: Promise<void> | undefined;
  async function check(path: string): Promise<void> {
    try {
      const current = fingerprint(await stat(path));
      if (current === seen) return;
      const next = await load(await readKeyFile(path));
      loaded = next;
      seen = current;
      opts.logger?.info({ kid: next.signing.kid, keys: next.jwks.keys.length }, 'auth signing keys reloaded');
    } catch (error) {
      opts.logger?.warn({ reason: (error as Error).message.split('\n')[0], path }, 'auth key file could not be reloaded; keeping the keys loaded before');
    }
  }

  async function current(): Promise<Loaded> {
    if (source.kind === 'file' && now() - lastCheck >= checkIntervalMs) {
      lastCheck = now();
      checking ??= check(source.path).finally(() => { checking = undefined; });
      await checking;
    }
    return loaded;
  }

  return {
    signingKey: async () => (await current()).signing,
    jwks: async () => (await current()).jwks,
  };
}
