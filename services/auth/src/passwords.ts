import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to argon2id; the cost parameters follow OWASP's minimum
// recommendation (19 MiB, 2 iterations, 1 lane).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}
