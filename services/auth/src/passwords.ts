import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// @node-rs/argon2 defaults to argon2id; OWASP's minimum recommendation (19 MiB, 2 iterations,
// 1 lane). The running service uses ARGON2_* from its configuration (createPasswordHasher).
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<string> {
  return hash(password, params);
}

/** The parameters travel inside the hash, so old hashes verify after a parameter change. */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Verifies against a hash of a random password made at boot with the same parameters: a
   * login for an unknown e-mail costs what a wrong password costs, so timing tells nothing.
   */
  verifyDummy(password: string): Promise<false>;
}

export async function createPasswordHasher(params: Argon2Params = DEFAULT_ARGON2): Promise<PasswordHasher> {
  const dummyHash = await hash(randomBytes(32).toString('base64url'), params);
  return {
    hash: (password) => hash(password, params),
    verify: (passwordHash, password) => verify(passwordHash, password),
    async verifyDummy(password) {
      await verify(dummyHash, password).catch(() => false);
      return false;
    },
  };
}
