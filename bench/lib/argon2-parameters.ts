import { CLEAN_ENV } from './child-process.ts';

interface AuthConfigModule { parseAuthConfig(env: NodeJS.ProcessEnv): { argon2: { memoryCost: number; timeCost: number; parallelism: number } } }

// auth's own configuration names the parameters the login really used (the children inherit
// this environment, so an ARGON2_* override shows here too). Loaded by path at run time: the
// bench is not a service and auth exports no config from its package entry.
const AUTH_CONFIG = new URL('../../services/auth/src/config.ts', import.meta.url).href;

export async function describeArgon2(): Promise<string> {
  const { parseAuthConfig } = (await import(AUTH_CONFIG)) as AuthConfigModule;
  const { argon2 } = parseAuthConfig({ ...process.env, ...CLEAN_ENV });
  return `argon2id, memoryCost ${argon2.memoryCost} KiB, timeCost ${argon2.timeCost}, parallelism ${argon2.parallelism} (auth's ARGON2_* settings)`;
}
