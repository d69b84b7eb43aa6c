import { isAbsolute, join, resolve } from 'node:path';

// Service names become PostgreSQL schema names and SQLite file names: keep them plain.
const SERVICE_NAME = /^[a-z][a-z0-9_]*$/;
const SQLITE_FILE = /\.(db|sqlite3?)$/;

export function isPostgresUrl(url?: string): boolean {
  return typeof url === 'string' && /^postgres(ql)?:\/\//i.test(url.trim());
}

function isSqliteUrl(url: string): boolean {
  return /^(sqlite|file):/i.test(url);
}

export function assertServiceName(service: string): string {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`Invalid service name "${service}": it names a database schema and file, so it must match ${SERVICE_NAME}`);
  }
  return service;
}

export type DatabaseTarget =
  | { dialect: 'sqlite'; service: string; file: string; description: string }
  | { dialect: 'postgres'; service: string; host: string; port: number; database: string; user: string; schema: string; description: string };

/**
 * Where a service's data lives, without credentials (safe to print, e.g. by the CLI).
 * `sqlite:`/`file:` URLs may name the file itself (ending in .db/.sqlite/.sqlite3) or a
 * directory that replaces dataDir; without a path they mean `<dataDir>/<service>.db`.
 */
export function parseDatabaseTarget(opts: { service: string; databaseUrl?: string; dataDir: string }): DatabaseTarget {
  const service = assertServiceName(opts.service);
  const url = opts.databaseUrl?.trim() ?? '';
  if (isPostgresUrl(url)) {
    const parsed = new URL(url);
    const host = decodeURIComponent(parsed.hostname) || 'localhost';
    const port = parsed.port ? Number(parsed.port) : 5432;
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
    const user = decodeURIComponent(parsed.username);
    return { dialect: 'postgres', service, host, port, database, user, schema: service,
      description: `postgres ${user ? `${user}@` : ''}${host}:${port}/${database} schema ${service}` };
  }
  if (url !== '' && !isSqliteUrl(url)) {
    throw new Error(`Unsupported database URL scheme for service "${service}": expected postgres://, postgresql://, sqlite: or file:`);
  }
  const location = url.replace(/^(sqlite|file):(\/\/)?/i, '').replace(/[?#].*$/, '');
  let file: string;
  if (location === '') file = join(opts.dataDir, `${service}.db`);
  else if (SQLITE_FILE.test(location)) file = location;
  else file = join(location, `${service}.db`);
  file = isAbsolute(file) ? file : resolve(file);
  return { dialect: 'sqlite', service, file, description: `sqlite ${file}` };
}
