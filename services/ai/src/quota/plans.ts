import { z } from 'zod';

/** What a plan grants per UTC day, and how its requests rank in the admission queue. */
export interface Plan {
  name: string;
  /** Responses (chat answers and /v1 completions) a user may start per UTC day. */
  dailyMessages: number;
  /** Prompt + completion tokens per UTC day; checked before admission, charged after the answer. */
  dailyTokens: number;
  /** Higher is served first when a provider is saturated. */
  priority: number;
}

const planSchema = z.object({
  dailyMessages: z.number().int().min(0),
  dailyTokens: z.number().int().min(0),
  priority: z.number().int().min(0).max(100),
}).strict();

export const plansSchema = z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), planSchema)
  .refine((plans) => Object.keys(plans).length > 0, 'must define at least one plan');

/** Until the payments service feeds plans (issue: payments), these are the defaults; AI_PLANS replaces them. */
export const DEFAULT_PLANS: Record<string, Omit<Plan, 'name'>> = {
  free: { dailyMessages: 200, dailyTokens: 1_000_000, priority: 0 },
  pro: { dailyMessages: 2_000, dailyTokens: 10_000_000, priority: 1 },
  team: { dailyMessages: 10_000, dailyTokens: 50_000_000, priority: 2 },
};

export type Plans = ReadonlyMap<string, Plan>;

export function toPlans(raw: Record<string, Omit<Plan, 'name'>>): Plans {
  return new Map(Object.entries(raw).map(([name, plan]) => [name, { name, ...plan }]));
}
