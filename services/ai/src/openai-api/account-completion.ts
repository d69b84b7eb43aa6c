import type { ServiceContext } from '@versaai/runtime';
import type { GenerationResult } from '../generation/types.ts';
import type { ErasedUsers } from '../privacy/erased-users.ts';
import { chargeTokens } from '../quota/quota-store.ts';
import { recordUsage } from '../usage/usage-store.ts';

/**
 * Records a /v1 completion's usage and charges its tokens to the day's quota, in one
 * transaction. The user may have been erased while the answer streamed: then nothing is
 * recorded, and the quota counter the request took at its start goes too.
 */
export async function accountCompletion(ctx: ServiceContext, erased: ErasedUsers, input: { id: string; userId: string; day: string; result: GenerationResult; cached: boolean }): Promise<void> {
  await ctx.transaction(async (trx) => {
    if (await erased.holdForWrite(trx, input.userId)) {
      await trx.deleteFrom('ai_quota_counters').where('user_id', '=', input.userId).execute();
      return;
    }
    await recordUsage(trx, { id: input.id, userId: input.userId, day: input.day, source: 'api', result: input.result, cached: input.cached });
    if (!input.cached) await chargeTokens(trx, input.userId, input.day, input.result.usage.promptTokens + input.result.usage.completionTokens);
  });
}
