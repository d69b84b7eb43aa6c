/**
 * Runs `work` over `items` with at most `limit` running at once, while items that share a key
 * run one after another in their original order (items with a null key run independently).
 * Rejects with the first error once every started item has settled.
 */
export async function runKeyed<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const lanes: T[][] = [];
  const laneByKey = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const existing = key === null ? undefined : laneByKey.get(key);
    if (existing) {
      existing.push(item);
      continue;
    }
    const lane = [item];
    lanes.push(lane);
    if (key !== null) laneByKey.set(key, lane);
  }

  let nextLane = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (nextLane < lanes.length && errors.length === 0) {
      const lane = lanes[nextLane++] ?? [];
      for (const item of lane) {
        try {
          await work(item);
        } catch (error) {
          errors.push(error);
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, lanes.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}

/**
 * Splits `items` into at most `parts` groups, round-robin, keeping every item of one key in
 * the same group and in its original order (items with a null key are spread freely).
 */
export function partitionByKey<T extends { event: { key: string | null } }>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  const groups: T[][] = Array.from({ length: count }, () => []);
  const groupOfKey = new Map<string, number>();
  let next = 0;
  for (const item of items) {
    const { key } = item.event;
    let index = key === null ? undefined : groupOfKey.get(key);
    if (index === undefined) {
      index = next++ % count;
      if (key !== null) groupOfKey.set(key, index);
    }
    groups[index]!.push(item);
  }
  return groups.filter((group) => group.length > 0);
}
