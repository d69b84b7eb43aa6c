import { readFileSync } from 'node:fs';

/** Resident memory of a process from /proc/<pid>/status, in KiB: now (VmRSS) and its peak so far (VmHWM). */
export interface ProcessMemory { rssKiB: number; peakRssKiB: number }

export function processMemory(pid: number | undefined): ProcessMemory | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKiB: field('VmRSS'), peakRssKiB: field('VmHWM') };
  } catch {
    return undefined;
  }
}
