import { hash } from '@node-rs/argon2';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { envInt, parseConfig } from '@versaai/kernel';
import { createEvent, enqueueEvents, type EventEnvelope } from '@versaai/events';
import { normaliseEmail } from '../email.ts';
import { accountRepository } from './account-repository.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The same variables and bounds as auth's core settings: the first admin's hash costs what every other does.
const argon2Schema = z.object({
  ARGON2_MEMORY_KIB: envInt({ min: 1024, max: 4_194_304, default: 19_456 }),
  ARGON2_TIME_COST: envInt({ min: 1, max: 32, default: 2 }),
  ARGON2_PARALLELISM: envInt({ min: 1, max: 16, default: 1 }),
});

export interface Argon2Params { memoryCost: number; timeCost: number; parallelism: number }

export function argon2FromEnv(env: NodeJS.ProcessEnv = process.env): Argon2Params {
  const raw = parseConfig(argon2Schema, env);
  return { memoryCost: raw.ARGON2_MEMORY_KIB, timeCost: raw.ARGON2_TIME_COST, parallelism: raw.ARGON2_PARALLELISM };
}

export type CreateAdminOutcome = 'created' | 'promoted' | 'already_admin';

export interface CreateAdminInput {
  email: string;
  /** Asked only when the account does not exist yet: an existing account keeps its password. */
  password(): Promise<string>;
  /** Why a password is refused, or undefined (auth's password policy). */
  checkPassword(password: string): string | undefined;
  argon2: Argon2Params;
  now?: Date;
}

export class CreateAdminError extends Error {}

/**
 * Bootstraps an admin straight in auth's database (no running platform needed): a new
 * credential with role 'admin', or an existing one promoted. The events go through the
 * outbox in the same transaction; the platform's relay publishes them (at once if it runs,
 * else at its next start), so the users service creates the profile and projects the role.
 */
export async function createOrPromoteAdmin(db: Db, input: CreateAdminInput): Promise<{ userId: string; outcome: CreateAdminOutcome }> {
  const email = normaliseEmail(input.email);
  const now = (input.now ?? new Date()).toISOString();
  const roleEvent = (userId: string) => createEvent('user.updated', { userId, changes: { role: 'admin' } }, { source: 'auth', key: userId });

  const existing = await accountRepository.findByEmail(db, email);
  if (existing) {
    if (existing.role === 'admin') return { userId: existing.userId, outcome: 'already_admin' };
    await db.transaction().execute(async (trx) => {
      await accountRepository.setRoleAndStatus(trx, existing.userId, { role: 'admin' });
      await enqueueEvents(trx, [roleEvent(existing.userId)]);
    });
    return { userId: existing.userId, outcome: 'promoted' };
  }

  const password = await input.password();
  const weakness = input.checkPassword(password);
  if (weakness) throw new CreateAdminError(`Password refused: ${weakness}`);
  const passwordHash = await hash(password, input.argon2);
  const userId = uuidv7();
  const inserted = await db.transaction().execute(async (trx) => {
    if (!(await accountRepository.insertAdmin(trx, { userId, email, passwordHash, createdAt: now }))) return false;
    const events: EventEnvelope[] = [
      createEvent('user.registered', { userId, email, registeredAt: now }, { source: 'auth', key: userId }),
      roleEvent(userId),
    ];
    await enqueueEvents(trx, events);
    return true;
  });
  if (!inserted) throw new CreateAdminError(`An account with e-mail ${email} was created meanwhile; run the command again to promote it.`);
  return { userId, outcome: 'created' };
}
