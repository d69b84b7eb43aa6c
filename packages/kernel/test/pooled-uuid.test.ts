import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { pooledUuidV7 } from '../src/pooled-uuid.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('pooledUuidV7', () => {
  it('makes valid, distinct version-7 UUIDs across several pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = pooledUuidV7();
      expect(id).toMatch(UUID_V7);
      ids.add(id);
    }
    expect(ids.size).toBe(5_000);
    const sample = [...ids][0]!;
    expect(validate(sample)).toBe(true);
    expect(version(sample)).toBe(7);
  });

  it('carries the current Unix time in milliseconds in its first 48 bits', () => {
    const before = Date.now();
    const id = pooledUuidV7();
    const after = Date.now();
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('draws every random hex digit it can (no stuck bits besides version and variant)', () => {
    const seen = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) [...pooledUuidV7().replace(/-/g, '')].forEach((digit, index) => seen[index]!.add(digit));
    // Digits 0-11 are the clock, 12 the version (7), 16 the variant (8-b).
    for (let index = 13; index < 32; index++) {
      expect(seen[index]!.size, `digit ${index}`).toBe(index === 16 ? 4 : 16);
    }
  });
});
