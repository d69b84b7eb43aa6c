import { describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { rowBuilder } from '../src/row-builder.ts';

describe('rowBuilder', () => {
  it('builds the same objects as better-sqlite3’s own rows, odd column names and repeats included', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      const sqlText = `select 1 as "a", 'x' as "b""c", null as "d'e", 2 as "a", 3 as "constructor", 4 as "1", x'00ff' as "bytes", 5 as "\u2028"`;
      const objects = db.prepare(sqlText).all() as Record<string, unknown>[];
      const raw = db.prepare(sqlText).raw(true);
      const build = rowBuilder(raw.columns().map((column) => column.name));
      const built = (raw.all() as unknown[][]).map(build);
      expect(built).toEqual(objects);
      expect(Object.keys(built[0]!)).toEqual(Object.keys(objects[0]!));
      expect(build.width).toBe(8);
    } finally {
      db.close();
    }
  });

  it('keeps a column named __proto__ as a property, never as the prototype', () => {
    const build = rowBuilder(['id', '__proto__']);
    const row = build(['r1', { polluted: true }]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toEqual({ polluted: true });
    expect((row as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('cannot be made to run code by a column name', () => {
    const build = rowBuilder(['a"}; globalThis.ranInjected = true; ({"b']);
    expect(build([1])).toEqual({ 'a"}; globalThis.ranInjected = true; ({"b': 1 });
    expect((globalThis as { ranInjected?: boolean }).ranInjected).toBeUndefined();
  });
});
