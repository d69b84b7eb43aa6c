import { stat } from 'node:fs/promises';
import { ConfigError, type Logger } from '@versaai/kernel';
import type { AuthConfig } from '../config.ts';
import { generateStoredKey, KeyFileError, parseKeyFile, readKeyFile, writeKeyFile } from './key-file.ts';
import { createKeyStore, type KeyStore } from './key-store.ts';

function keyError(variable: string, problem: string): ConfigError {
  return new ConfigError([{ variable, problem }]);
}

/**
 * The key store of this process. All-in-one: `<data>/auth-keys.json`, created (0600) on the
 * first start. Distributed: the file or JSON the operator provides (checked by parseAuthConfig).
 * A missing or malformed key source stops the start with a one-line message; key material is
 * never part of it.
 */
export async function openKeyStore(config: AuthConfig['keys'], opts: { logger: Logger; now?: () => number; checkIntervalMs?: number }): Promise<KeyStore> {
  if (config.inline !== undefined) {
    try {
      return await createKeyStore({ kind: 'static', file: parseKeyFile(config.inline) }, opts);
    } catch (error) {
      if (error instanceof KeyFileError) throw keyError('AUTH_KEYS', error.message);
      throw error;
    }
  }
  const path = config.file!;
  try {
    await readKeyFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && config.generateIfMissing) {
      const key = await generateStoredKey(new Date(opts.now?.() ?? Date.now()));
      await writeKeyFile(path, { keys: [key] });
      opts.logger.info({ path, kid: key.kid }, 'auth signing key generated');
    } else if (error instanceof KeyFileError) {
      throw keyError('AUTH_KEYS_FILE', `${error.message} (${path})`);
    } else {
      throw keyError('AUTH_KEYS_FILE', `cannot be read (${path}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const mode = (await stat(path)).mode & 0o777;
  if (mode & 0o077) opts.logger.warn({ path, mode: mode.toString(8) }, 'the auth key file is readable by other users; it should be 0600');
  return createKeyStore({ kind: 'file', path }, opts);
}
