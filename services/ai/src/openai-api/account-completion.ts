import type { ServiceContext } from '@versaai/runtime';
import type { GenerationResult } from '../generation/types.ts';
import { chargeTokens } from '../quota/quota-store.ts';
import { recordUsage } from '../usage/usage-store.ts';

/** Records a /v1 completion's usage and charges its tokens to the day's quota, in one transaction. */
export async function accountCompletion(ctx: ServiceContext, input: { id: string; userId: string; day: string; result: GenerationResult; cached: boolean }): Promise<void> {
  await ctx.transaction(async (trx) => {
    await recordUsage(trx, { id: input.id, userId: input.userId, day: input.day, source: 'api', result: input.result, cached: input.cached });
    if (!input.cached) await chargeTokens(trx, input.userId, input.day, input.result.usage.promptTokens + input.result.usage.completionTokens);
  });
}
