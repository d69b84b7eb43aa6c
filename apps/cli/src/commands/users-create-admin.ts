import { openDatabase } from '@versaai/storage';
import { createLogger } from '@versaai/kernel';
import { migrateServices, parsePlatformConfig } from '@versaai/runtime';
import { argon2FromEnv, authService, checkPasswordPolicy, createOrPromoteAdmin, CreateAdminError } from '@versaai/service-auth';
import { PromptCancelled, readHiddenLine, readStdin } from '../read-password.ts';

// A sanity check only: the address is normalised and stored as typed, like registration does.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A failure the operator can act on: one line on stderr, exit 1 (no stack trace). */
class CommandFailure extends Error {}

async function askPassword(opts: { passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) {
    // One trailing newline belongs to `echo`, not to the password.
    const password = (await readStdin()).replace(/\r?\n$/, '');
    if (password === '') throw new CommandFailure('No password on stdin.');
    return password;
  }
  if (!process.stdin.isTTY) throw new CommandFailure('stdin is not a terminal: pipe the password and pass --password-stdin.');
  const first = await readHiddenLine('Password: ');
  const second = await readHiddenLine('Repeat the password: ');
  if (first !== second) throw new CommandFailure('The passwords do not match.');
  return first;
}

/**
 * `versaai users create-admin --email <e> [--password-stdin]`: creates the first admin (or
 * promotes an existing account) directly in auth's database, migrating it first like
 * `versaai db migrate`. The events go out through auth's outbox.
 */
export async function usersCreateAdminCommand(opts: { email: string; passwordStdin?: boolean }): Promise<void> {
  // Settings first: a bad one is a configuration error (exit 78), before anything is asked.
  const config = parsePlatformConfig(process.env);
  const argon2 = argon2FromEnv(process.env);
  const email = opts.email.trim();
  if (!EMAIL.test(email) || email.length > 254) {
    console.error(`Not an e-mail address: ${JSON.stringify(opts.email)}`);
    process.exitCode = 1;
    return;
  }
  // Migration progress is not this command's output: only warnings reach the terminal.
  await migrateServices({ services: [authService], logger: createLogger({ service: 'versaai-cli', level: 'warn' }) });
  const database = await openDatabase({ service: 'auth', databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { userId, outcome } = await createOrPromoteAdmin(database.db, {
      email, argon2, checkPassword: checkPasswordPolicy, password: () => askPassword(opts),
    });
    const lines = {
      created: `Created admin ${email.toLowerCase()} (${userId}).`,
      promoted: `Promoted ${email.toLowerCase()} (${userId}) to admin; the password is unchanged.`,
      already_admin: `${email.toLowerCase()} (${userId}) is already an admin; nothing changed.`,
    };
    console.log(lines[outcome]);
  } catch (error) {
    if (!(error instanceof CommandFailure || error instanceof CreateAdminError || error instanceof PromptCancelled)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}
