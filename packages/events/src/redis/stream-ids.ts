/** Redis stream ids are `<ms>-<seq>`; they must be compared numerically, never as strings. */

export interface ParsedStreamId {
  ms: bigint;
  seq: bigint;
}

export function parseStreamId(id: string): ParsedStreamId {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`Not a stream id: "${id}"`);
  return { ms: BigInt(match[1]!), seq: BigInt(match[2]!) };
}

export function isStreamId(id: string): boolean {
  return /^\d+-\d+$/.test(id);
}

export function compareStreamIds(a: string, b: string): number {
  const x = parseStreamId(a);
  const y = parseStreamId(b);
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
  if (x.seq !== y.seq) return x.seq < y.seq ? -1 : 1;
  return 0;
}

/** The smallest id greater than `id`. */
export function nextStreamId(id: string): string {
  const { ms, seq } = parseStreamId(id);
  const maxSeq = 2n ** 64n - 1n;
  return seq === maxSeq ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}

export function minStreamId(ids: string[]): string | undefined {
  let min: string | undefined;
  for (const id of ids) if (min === undefined || compareStreamIds(id, min) < 0) min = id;
  return min;
}

/** Entry ids grouped by their stream, in input order: one XACK / XCLAIM per stream. */
export function idsByStream(entries: ReadonlyArray<{ stream: string; id: string }>): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const { stream, id } of entries) {
    const ids = grouped.get(stream);
    if (ids) ids.push(id);
    else grouped.set(stream, [id]);
  }
  return grouped;
}
