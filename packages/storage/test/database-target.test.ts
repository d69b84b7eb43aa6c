import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { isPostgresUrl, parseDatabaseTarget } from '../src/index.ts';

describe('isPostgresUrl', () => {
  it('recognises postgres:// and postgresql:// only', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl('POSTGRES://u@h/db')).toBe(true);
    expect(isPostgresUrl('sqlite:./data')).toBe(false);
    expect(isPostgresUrl('mysql://u@h/db')).toBe(false);
    expect(isPostgresUrl('')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });
});

describe('parseDatabaseTarget', () => {
  it('describes a PostgreSQL target without the password', () => {
    const target = parseDatabaseTarget({ service: 'auth', databaseUrl: 'postgres://app:s3cr%40t@db.internal:6543/versaai?sslmode=require', dataDir: 'data' });
    expect(target).toEqual({
      dialect: 'postgres', service: 'auth', host: 'db.internal', port: 6543, database: 'versaai', user: 'app', schema: 'auth',
      description: 'postgres app@db.internal:6543/versaai schema auth',
    });
    expect(JSON.stringify(target)).not.toContain('s3cr');
  });

  it('puts a service without a URL in <dataDir>/<service>.db', () => {
    expect(parseDatabaseTarget({ service: 'chat', dataDir: '/srv/data' })).toEqual({
      dialect: 'sqlite', service: 'chat', file: join('/srv/data', 'chat.db'), description: `sqlite ${join('/srv/data', 'chat.db')}`,
    });
    expect(parseDatabaseTarget({ service: 'chat', databaseUrl: 'sqlite:', dataDir: '/srv/data' })).toMatchObject({ file: '/srv/data/chat.db' });
    expect(parseDatabaseTarget({ service: 'chat', databaseUrl: 'sqlite:///var/lib/v', dataDir: '/srv/data' })).toMatchObject({ file: '/var/lib/v/chat.db' });
    expect(parseDatabaseTarget({ service: 'chat', databaseUrl: 'file:/var/lib/one.sqlite', dataDir: '/srv/data' })).toMatchObject({ file: '/var/lib/one.sqlite' });
  });

  it('rejects unknown schemes and unsafe service names', () => {
    expect(() => parseDatabaseTarget({ service: 'chat', databaseUrl: 'mysql://h/db', dataDir: 'd' })).toThrow(/Unsupported database URL scheme/);
    expect(() => parseDatabaseTarget({ service: '../etc', dataDir: 'd' })).toThrow(/Invalid service name/);
  });
});
