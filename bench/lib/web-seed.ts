import type { FakeLlm } from '@versaai/testing/fake-llm';
import { jsonRequest } from './chat-http.ts';
import { WEB_BENCH_ANSWERS, WEB_BENCH_QUESTIONS } from './web-answers.ts';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** Polls the conversation's newest message until the answer `responseId` has ended. */
async function awaitAnswer(url: string, token: string, conversationId: string, responseId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const page = await jsonRequest(`${url}/api/chat/conversations/${conversationId}?limit=1`, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    const newest = (page.body?.messages as { id: string; status: string }[] | undefined)?.at(-1);
    if (newest?.id === responseId && FINAL.has(newest.status)) {
      if (newest.status !== 'completed') throw new Error(`answer ${responseId} ended ${newest.status}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`answer ${responseId} not finished after ${timeoutMs} ms (newest: ${JSON.stringify(newest)})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * One conversation of `exchanges` question/answer pairs, sent through the API one after the
 * other as a person would (each POST waits for the previous answer: the API refuses a second
 * answer in progress on one branch). The fake LLM's script rotates through the answers.
 */
export async function seedConversation(opts: {
  url: string; token: string; llm: FakeLlm; exchanges: number; log: (line: string) => void;
}): Promise<{ conversationId: string; seconds: number }> {
  const { url, token, llm } = opts;
  const headers = { authorization: `Bearer ${token}` };
  const started = performance.now();
  const created = await jsonRequest(`${url}/api/chat/conversations`, { method: 'POST', headers, body: { title: 'A long conversation' } });
  const conversationId = created.body?.id;
  if (created.status !== 201 || typeof conversationId !== 'string') throw new Error(`POST /conversations answered ${created.status}: ${JSON.stringify(created.body)}`);
  for (let index = 0; index < opts.exchanges; index++) {
    llm.script({ text: WEB_BENCH_ANSWERS[index % WEB_BENCH_ANSWERS.length]! });
    const question = `${WEB_BENCH_QUESTIONS[index % WEB_BENCH_QUESTIONS.length]} (#${index + 1})`;
    const sent = await jsonRequest(`${url}/api/chat/conversations/${conversationId}/messages`, { method: 'POST', headers, body: { content: question } });
    const responseId = sent.body?.responseId;
    if (sent.status !== 202 || typeof responseId !== 'string') throw new Error(`POST …/messages answered ${sent.status}: ${JSON.stringify(sent.body)}`);
    await awaitAnswer(url, token, conversationId, responseId, 60_000);
    if ((index + 1) % 100 === 0) opts.log(`  seeded ${index + 1}/${opts.exchanges} exchanges (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return { conversationId, seconds: (performance.now() - started) / 1000 };
}

export interface StoredMessage { id: string; role: string; content: string }

/** Every message of the active path, oldest first, through the API's pages (for the peer page). */
export async function readConversation(url: string, token: string, conversationId: string): Promise<StoredMessage[]> {
  const pages: StoredMessage[][] = [];
  let before: string | null = null;
  do {
    const query: string = before ? `?limit=200&before=${before}` : '?limit=200';
    const page = await jsonRequest(`${url}/api/chat/conversations/${conversationId}${query}`, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    if (page.status !== 200) throw new Error(`GET conversation answered ${page.status}`);
    pages.unshift(page.body?.messages as StoredMessage[]);
    before = (page.body?.nextCursor as string | null) ?? null;
  } while (before);
  return pages.flat();
}
