import { join } from 'node:path';
import { ConfigError } from '@versaai/kernel';
import { DEFAULT_KEY_FILE_NAME, rotateKeyFile } from '@versaai/service-auth';

/** The key file auth reads: --file, else AUTH_KEYS_FILE, else the all-in-one default under VERSAAI_DATA_DIR. */
function keyFilePath(opts: { file?: string }, env: NodeJS.ProcessEnv): string {
  if (opts.file) return opts.file;
  if (env.AUTH_KEYS_FILE) return env.AUTH_KEYS_FILE;
  if (env.AUTH_KEYS) {
    throw new ConfigError([{
      variable: 'AUTH_KEYS',
      problem: 'holds the keys inline, which cannot be rotated in place: rotate a file with --file <path> and deploy its content',
    }]);
  }
  return join(env.VERSAAI_DATA_DIR || './data', DEFAULT_KEY_FILE_NAME);
}

/**
 * `versaai auth rotate-keys [--file <path>]`: a new signing key; the previous one retires and
 * keeps verifying until its tokens have expired; long-retired keys are dropped. Every auth
 * replica reading the file picks the change up within seconds; verifiers refetch the JWKS on
 * the first token with the new kid. Prints key ids only, never key material.
 */
export async function authRotateKeysCommand(opts: { file?: string }): Promise<void> {
  const path = keyFilePath(opts, process.env);
  const rotation = await rotateKeyFile(path);
  console.log(`${rotation.created ? 'created' : 'rotated'} ${path}: signing key ${rotation.added.kid}`);
  if (rotation.retired.length > 0) console.log(`retired (still verifying): ${rotation.retired.join(', ')}`);
  if (rotation.dropped.length > 0) console.log(`dropped (every token they signed has expired): ${rotation.dropped.join(', ')}`);
}
