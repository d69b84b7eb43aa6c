/** Turns one raw row (values in column order) into the object better-sqlite3 would have built. */
export type RowBuilder = ((values: unknown[]) => Record<string, unknown>) & { width: number };

/**
 * Compiled for one column list: an object literal with fixed keys gets one hidden class and
 * plain stores, where a loop of `row[name] = value` goes through keyed stores. Names are
 * embedded as JSON string literals, so no column name can escape into code. A repeated name
 * keeps the last value, as better-sqlite3's object rows do. `"__proto__": x` in a literal would
 * set the prototype instead of a property, so such a list gets the plain loop.
 */
export function rowBuilder(names: readonly string[]): RowBuilder {
  const build = (names.includes('__proto__') ? loopBuilder(names) : new Function('v', `return { ${
    names.map((name, index) => `${JSON.stringify(name)}: v[${index}]`).join(', ')
  } };`)) as RowBuilder;
  build.width = names.length;
  return build;
}

function loopBuilder(names: readonly string[]) {
  return (values: unknown[]) => {
    const row: Record<string, unknown> = {};
    names.forEach((name, index) => Object.defineProperty(row, name, { value: values[index], enumerable: true, writable: true, configurable: true }));
    return row;
  };
}
