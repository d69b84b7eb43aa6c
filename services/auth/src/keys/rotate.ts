import { ACCESS_TOKEN_TTL_SECONDS } from '@versaai/identity';
import { currentKey, generateStoredKey, readKeyFile, writeKeyFile, type KeyFile, type StoredKey } from './key-file.ts';

/** A retired key stays published this long: every token it signed has expired by then (plus clock skew). */
export const RETIRED_KEY_GRACE_MS = ACCESS_TOKEN_TTL_SECONDS * 1000 + 5 * 60_000;

export interface Rotation {
  file: KeyFile;
  added: StoredKey;
  retired: string[];
  dropped: string[];
}

/**
 * A new signing key; the previous signer(s) retire now and keep verifying; keys retired longer
 * ago than an access token lives (+ 5 min) are dropped, since nothing they signed is still valid.
 */
export async function rotateKeys(file: KeyFile | undefined, now: Date): Promise<Rotation> {
  const added = await generateStoredKey(now);
  const retired: string[] = [];
  const dropped: string[] = [];
  const kept: StoredKey[] = [];
  for (const key of file?.keys ?? []) {
    if (key.retiredAt === undefined) {
      retired.push(key.kid);
      kept.push({ ...key, retiredAt: now.toISOString() });
    } else if (now.getTime() - Date.parse(key.retiredAt) > RETIRED_KEY_GRACE_MS) {
      dropped.push(key.kid);
    } else {
      kept.push(key);
    }
  }
  const next: KeyFile = { keys: [...kept, added] };
  if (currentKey(next).kid !== added.kid) throw new Error('rotation produced a file whose signer is not the new key');
  return { file: next, added, retired, dropped };
}

/** `versaai auth rotate-keys`: rotates the file at `path` in place (creates it when missing). */
export async function rotateKeyFile(path: string, now = new Date()): Promise<Rotation & { created: boolean }> {
  let existing: KeyFile | undefined;
  try {
    existing = await readKeyFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const rotation = await rotateKeys(existing, now);
  await writeKeyFile(path, rotation.file);
  return { ...rotation, created: existing === undefined };
}

/** Creates the key file with one fresh key unless it exists (developer setups: `versaai dev distributed`). */
export async function ensureKeyFile(path: string, now = new Date()): Promise<{ created: boolean }> {
  try {
    await readKeyFile(path);
    return { created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeKeyFile(path, { keys: [await generateStoredKey(now)] });
  return { created: true };
}

/** A fresh key file as JSON, for AUTH_KEYS (tests, or piping into a secret manager). */
export async function newKeyFileJson(now = new Date()): Promise<string> {
  return JSON.stringify({ keys: [await generateStoredKey(now)] });
}
