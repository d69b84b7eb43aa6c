import type { UsageLine, UsageTotals } from '../../api/contracts.ts';

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** This calendar month in UTC, up to today: the `from`/`to` of GET /api/ai/usage (UTC days). */
export function currentMonthRange(now: Date = new Date()): { from: string; to: string } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { from: utcDay(first), to: utcDay(now) };
}

export interface UsageDay extends UsageTotals {
  day: string;
  models: string[];
}

/** The API counts per day and model; the page lists one line per day, newest first. */
export function usageByDay(lines: readonly UsageLine[]): UsageDay[] {
  const days = new Map<string, UsageDay>();
  for (const line of lines) {
    const day = days.get(line.day) ?? { day: line.day, models: [], requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
    day.requests += line.requests;
    day.promptTokens += line.promptTokens;
    day.completionTokens += line.completionTokens;
    day.costUsd += line.costUsd;
    if (!day.models.includes(line.model)) day.models.push(line.model);
    days.set(line.day, day);
  }
  return [...days.values()].sort((a, b) => b.day.localeCompare(a.day));
}
