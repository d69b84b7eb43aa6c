/** Parsers for the raw RESP2 replies of stream commands (ioredis `call` returns them untyped). */

export type RawEntry = [id: string, fields: string[] | null];

/** Field/value list → object; a null list is a deleted entry. */
export function fieldsToRecord(fields: string[] | null): Record<string, string> | null {
  if (!fields) return null;
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  return record;
}

/** Flat [k1, v1, k2, v2, …] as returned by XINFO → object. */
export function pairsToRecord(pairs: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[String(pairs[i])] = pairs[i + 1];
  return record;
}

export function asEntries(value: unknown): RawEntry[] {
  return Array.isArray(value) ? (value as RawEntry[]) : [];
}

/** Errors of a pipeline/multi result; throws the first one. */
export function throwPipelineErrors(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new Error('Redis transaction was aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
