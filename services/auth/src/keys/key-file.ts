import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

/**
 * The signing keys, as stored in the key file (`AUTH_KEYS_FILE`, `AUTH_KEYS` or
 * `<data>/auth-keys.json`). The newest key without `retiredAt` signs; every key in the file
 * verifies (is in the JWKS) until a rotation drops it.
 */
export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: string;
  retiredAt?: string;
}

export interface KeyFile {
  keys: StoredKey[];
}

const okpJwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) }).passthrough();

const keyFileSchema = z.object({
  keys: z.array(z.object({
    kid: z.string().min(1).max(128),
    privateJwk: okpJwk.extend({ d: z.string().min(1) }),
    publicJwk: okpJwk,
    createdAt: z.iso.datetime(),
    retiredAt: z.iso.datetime().optional(),
  })).min(1),
});

/** A key file is invalid; the message names what is wrong, never a key's content. */
export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export function parseKeyFile(text: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyFileError('is not valid JSON');
  }
  const result = keyFileSchema.safeParse(json);
  if (!result.success) {
    // Paths and messages only: zod would otherwise echo received values.
    const issue = result.error.issues[0]!;
    throw new KeyFileError(`is not a key file: ${issue.path.join('.') || '(root)'} ${issue.message.replace(/\s+/g, ' ')}`);
  }
  if (!result.data.keys.some((key) => key.retiredAt === undefined)) throw new KeyFileError('has no key that is not retired');
  return result.data as KeyFile;
}

export async function readKeyFile(path: string): Promise<KeyFile> {
  return parseKeyFile(await readFile(path, 'utf8'));
}

/** The signing key: the newest one not retired. */
export function currentKey(file: KeyFile): StoredKey {
  const active = file.keys.filter((key) => key.retiredAt === undefined);
  return active.reduce((newest, key) => (key.createdAt > newest.createdAt ? key : newest));
}

/** A fresh Ed25519 key; its kid is random (it names the key, it protects nothing). */
export async function generateStoredKey(now: Date): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `${now.toISOString().slice(0, 10)}.${randomBytes(9).toString('base64url')}`;
  return { kid, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey), createdAt: now.toISOString() };
}

/**
 * Writes the file as a whole or not at all: a temporary file in the same directory, readable
 * by the owner only, renamed over the old one. A reader (another replica) never sees half a file.
 */
export async function writeKeyFile(path: string, file: KeyFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
