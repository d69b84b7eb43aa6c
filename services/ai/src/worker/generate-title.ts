import { createEvent } from '@versaai/events';
import type { ResolvedModel } from '../generation/types.ts';
import type { ResponseJob } from '../jobs/responses-store.ts';
import type { Plan } from '../quota/plans.ts';
import type { ExecutionDeps } from './execute-generation.ts';
import type { RunResponseDeps } from './run-response.ts';
import { executeGeneration } from './execute-generation.ts';
import { deriveTitle, OFFLINE_MODEL, titleFrom, titlePrompt } from './title.ts';

const TITLE_MAX_TOKENS = 24;
const TITLE_TIMEOUT_MS = 30_000;

/**
 * Proposes a title for a conversation's first exchange and publishes it. The offline model
 * cannot summarise, so its title is the first words of the user's message.
 */
export async function generateTitle(deps: RunResponseDeps & ExecutionDeps, input: { job: ResponseJob; plan: Plan; model: ResolvedModel; answer: string }): Promise<void> {
  const { job } = input;
  const firstUser = job.request.messages.find((message) => message.role === 'user')?.content ?? '';
  let title: string;
  if (input.model.id === OFFLINE_MODEL) {
    title = deriveTitle(firstUser);
  } else {
    const { result } = await executeGeneration(deps, {
      request: { model: input.model.id, messages: titlePrompt(firstUser, input.answer), temperature: 0.2, maxTokens: TITLE_MAX_TOKENS, userId: job.userId, plan: input.plan.name },
      model: input.model,
      priority: input.plan.priority,
      cacheable: false,
      signal: AbortSignal.timeout(TITLE_TIMEOUT_MS),
      source: 'title',
      sink: { onStart: () => {}, onDelta: () => {} },
    });
    title = titleFrom(result, firstUser);
  }
  await deps.ctx.transaction(async (_trx, publish) => {
    await publish([createEvent('conversation.title.generated', { conversationId: job.conversationId, userId: job.userId, title }, { source: 'ai', key: job.conversationId })]);
  });
}
