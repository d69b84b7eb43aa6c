import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CpuProfileSummary {
  /** Sampled wall time of the process, idle included. */
  totalMs: number;
  byArea: Array<{ area: string; ms: number; share: number }>;
  topFunctions: Array<{ name: string; area: string; ms: number; share: number }>;
}

const PACKAGES: Array<[RegExp, string]> = [
  [/\/node_modules\/kysely\//, 'kysely'],
  [/\/node_modules\/better-sqlite3\//, 'better-sqlite3'],
  [/\/node_modules\/(ioredis|redis-parser|denque|cluster-key-slot)\//, 'ioredis'],
  [/\/node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//, 'pg'],
  [/\/node_modules\/zod\//, 'zod'],
  [/\/node_modules\/(pino|pino-std-serializers|sonic-boom)\//, 'pino'],
  [/\/node_modules\/uuid\//, 'uuid'],
  [/\/packages\/events\//, '@versaai/events'],
  [/\/packages\/kernel\//, '@versaai/kernel'],
  [/\/packages\/storage\//, '@versaai/storage'],
  [/\/bench\//, 'bench harness'],
  [/^node:/, 'node internals'],
];

function areaOfUrl(url: string, extraAreas: Array<[RegExp, string]> = []): string | undefined {
  if (url === '') return undefined;
  return (extraAreas.find(([pattern]) => pattern.test(url)) ?? PACKAGES.find(([pattern]) => pattern.test(url)))?.[1] ?? 'other JS';
}

/**
 * Self time per area. Native and builtin frames (no URL: the SQLite statement, JSON.parse…)
 * are named after themselves and the package that called them, e.g. "native run ← kysely".
 */
export function summarizeProfile(profile: Profile, top = 15, extraAreas: Array<[RegExp, string]> = []): CpuProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const callerArea = (id: number): string => {
    for (let current = parentOf.get(id); current !== undefined; current = parentOf.get(current)) {
      const area = areaOfUrl(byId.get(current)!.callFrame.url, extraAreas);
      if (area) return area;
    }
    return 'unknown';
  };
  const areaOf = (node: ProfileNode): string => {
    const { functionName, url } = node.callFrame;
    const area = areaOfUrl(url, extraAreas);
    if (area) return area;
    if (functionName === '(idle)') return 'idle (waiting for I/O)';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8/native outside JS';
    return `native ${functionName || '(anonymous)'} ← ${callerArea(node.id)}`;
  };

  // The profiler's own work (starting, stopping, serializing) runs under node:inspector: not ours.
  const isProfilerItself = (id: number): boolean => {
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      if (byId.get(current)!.callFrame.url.includes('inspector')) return true;
    }
    return false;
  };

  const selfMs = new Map<number, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    if (isProfilerItself(id)) return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
    totalMs += ms;
  });

  const areas = new Map<string, number>();
  const functions = new Map<string, { area: string; ms: number }>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    const area = areaOf(node);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const file = node.callFrame.url.split('/').slice(-1)[0] ?? '';
    const name = `${node.callFrame.functionName || '(anonymous)'}${file ? ` (${file}:${node.callFrame.lineNumber + 1})` : ''}`;
    const entry = functions.get(name) ?? { area, ms: 0 };
    entry.ms += ms;
    functions.set(name, entry);
  }
  const share = (ms: number) => (totalMs > 0 ? ms / totalMs : 0);
  return {
    totalMs,
    byArea: [...areas].map(([area, ms]) => ({ area, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms).slice(0, top),
    topFunctions: [...functions].map(([name, { area, ms }]) => ({ name, area, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms).slice(0, top),
  };
}

/** Starts the V8 sampling profiler in this process; the returned function stops it and summarizes. */
export async function startCpuProfile(): Promise<() => Promise<CpuProfileSummary>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return summarizeProfile(profile as unknown as Profile);
  };
}
