import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError, envBool, envDurationMs, envEnum, envInt, envPort, envPositiveInt, envSecret, envString, envUrl, parseConfig,
} from '../src/index.ts';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  const schema = z.object({
    PORT: envPort(3000),
    WORKERS: envPositiveInt(),
    TIMEOUT: envDurationMs(5_000),
    DEBUG: envBool(false),
    DATABASE_URL: envUrl({ protocols: ['postgres:', 'postgresql:'] }).optional(),
    LOG_LEVEL: envEnum(['debug', 'info', 'warn'], 'info'),
    JWT_SECRET: envSecret({ minLength: 8 }),
  });

  it('coerces every helper and applies defaults', () => {
    const config = parseConfig(schema, {
      WORKERS: '4', TIMEOUT: '30s', DEBUG: '1', DATABASE_URL: 'postgres://u:p@h/db', JWT_SECRET: 'long-enough',
    });
    expect(config).toEqual({
      PORT: 3000, WORKERS: 4, TIMEOUT: 30_000, DEBUG: true, DATABASE_URL: 'postgres://u:p@h/db', LOG_LEVEL: 'info', JWT_SECRET: 'long-enough',
    });
  });

  it('treats empty variables as unset', () => {
    const config = parseConfig(schema, { WORKERS: '2', PORT: '', DATABASE_URL: '', JWT_SECRET: '' });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.JWT_SECRET).toBeUndefined();
  });

  it('names the variable and the bad value in one line', () => {
    const error = configError(() => parseConfig(z.object({ PORT: envPort() }), { PORT: 'abc' }));
    expect(error.message).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
    expect(error.issues).toEqual([{ variable: 'PORT', problem: 'must be an integer between 1 and 65535 (got "abc")' }]);
  });

  it('reports every bad variable, still on one line', () => {
    const error = configError(() => parseConfig(schema, { PORT: '70000', DEBUG: 'maybe', TIMEOUT: '3 weeks' }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('PORT must be an integer between 1 and 65535 (got "70000")');
    expect(error.message).toContain('WORKERS is required');
    expect(error.message).toContain('DEBUG must be true or false');
    expect(error.message).toContain('TIMEOUT must be a duration');
  });

  it('never prints secret values or URL passwords', () => {
    const error = configError(() => parseConfig(schema, {
      WORKERS: '1', JWT_SECRET: 'short', DATABASE_URL: 'mysql://admin:hunter2@db/app',
    }));
    expect(error.message).toContain('JWT_SECRET must be at least 8 characters long (got [REDACTED])');
    expect(error.message).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got "mysql://admin:***@db/app")');
    expect(error.message).not.toContain('short');
    expect(error.message).not.toContain('hunter2');
  });

  it('keeps control characters of a bad value out of the message line', () => {
    const error = configError(() => parseConfig(z.object({ PORT: envPort() }), { PORT: '80\nINJECTED' }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('(got "80\\nINJECTED")');
  });

  it('words plain zod schemas too', () => {
    const error = configError(() => parseConfig(z.object({ NAME: z.string(), MODE: z.literal('x') }), { MODE: 'y' }));
    expect(error.message).toMatch(/^Invalid configuration: NAME is required; MODE is invalid: .+ \(got "y"\)$/);
  });
});

describe('env helpers', () => {
  const one = <T>(schema: z.ZodType<T>, value: string | undefined): T => parseConfig(z.object({ V: schema }), { V: value }).V as T;

  it('parses integers within bounds only', () => {
    expect(one(envInt({ min: -5, max: 5 }), '-5')).toBe(-5);
    expect(() => one(envInt({ min: -5, max: 5 }), '6')).toThrow('V must be an integer between -5 and 5 (got "6")');
    expect(() => one(envInt(), '1.5')).toThrow('V must be an integer');
    expect(() => one(envPositiveInt(), '0')).toThrow('V must be an integer of at least 1');
  });

  it('parses durations with units', () => {
    expect(one(envDurationMs(), '250')).toBe(250);
    expect(one(envDurationMs(), '250ms')).toBe(250);
    expect(one(envDurationMs(), '5m')).toBe(300_000);
    expect(one(envDurationMs(), '1h')).toBe(3_600_000);
    expect(() => one(envDurationMs(), '-1s')).toThrow(ConfigError);
  });

  it('parses booleans strictly', () => {
    for (const yes of ['true', 'TRUE', '1', 'yes', 'on']) expect(one(envBool(), yes)).toBe(true);
    for (const no of ['false', '0', 'no', 'off']) expect(one(envBool(), no)).toBe(false);
    expect(() => one(envBool(), 'tru')).toThrow(ConfigError);
  });

  it('checks URLs and enum values', () => {
    expect(one(envUrl(), 'redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(() => one(envUrl(), 'not a url')).toThrow('V must be an absolute URL');
    expect(() => one(envEnum(['a', 'b']), 'c')).toThrow('V must be one of a, b (got "c")');
  });

  it('requires values without default and lets .optional() opt out', () => {
    expect(() => one(envString(), undefined)).toThrow('Invalid configuration: V is required');
    expect(one(envString().optional(), undefined)).toBeUndefined();
    expect(one(envSecret(), undefined)).toBeUndefined();
  });
});
