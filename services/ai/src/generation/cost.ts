import type { ResolvedModel, TokenUsage } from './types.ts';

/** USD for the usage at the model's prices per million tokens, rounded to 1e-10 (no float dust). */
export function costUsd(model: ResolvedModel, usage: TokenUsage): number {
  const cost = (usage.promptTokens * model.inputPricePerMillion + usage.completionTokens * model.outputPricePerMillion) / 1_000_000;
  return Math.round(cost * 1e10) / 1e10;
}
