import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService, startFakeLlm, waitFor, type FakeLlm } from '@versaai/testing';
import { call, signUp, type Account } from '../security/support/accounts.ts';
import { startAllInOne, startDistributed, type Target } from '../security/support/targets.ts';
import { StreamClient, textOf } from './stream-client.ts';

const hasPostgres = await requireService('postgres', 'distributed chat flow');
const hasRedis = await requireService('redis', 'distributed chat flow');

const MODEL = 'llama-3.1-8b-instant';

/**
 * The product's heart, end to end through the gateway: a message goes in over HTTP, the AI
 * service streams the fake LLM's answer, the deltas arrive on the user's WebSocket, and the
 * stored answer is exactly what was streamed — in both topologies.
 */
const topologies = [
  { name: 'all-in-one', start: startAllInOne, enabled: true, replicas: false },
  { name: 'distributed (two chat replicas, PostgreSQL + Redis)', start: startDistributed, enabled: hasPostgres && hasRedis, replicas: true },
];

for (const topology of topologies) {
  describe.skipIf(!topology.enabled)(`chat flow: ${topology.name}`, () => {
    let llm: FakeLlm;
    let target: Target;
    let alice: Account;

    beforeAll(async () => {
      llm = await startFakeLlm({ flavor: 'groq', apiKey: 'gsk_test_key' });
      target = await topology.start({
        env: { GROQ_API_KEY: 'gsk_test_key', GROQ_BASE_URL: llm.url, AI_DEFAULT_MODEL: MODEL },
        chatReplicas: 2,
      });
      alice = await signUp(target.gatewayUrl, 'chat-flow');
    }, 300_000);

    afterAll(async () => {
      await target?.stop();
      await llm?.close();
    });

    async function newConversation(): Promise<string> {
      const created = await call(target.gatewayUrl, 'POST', '/api/chat/conversations', { bearer: alice.bearer, body: {} });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return (created.body.id ?? created.body.conversation?.id) as string;
    }

    async function send(conversationId: string, content: string): Promise<{ messageId: string; responseId: string }> {
      const sent = await call(target.gatewayUrl, 'POST', `/api/chat/conversations/${conversationId}/messages`, { bearer: alice.bearer, body: { content } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      return sent.body;
    }

    async function storedAnswer(conversationId: string, responseId: string) {
      return waitFor(async () => {
        const got = await call(target.gatewayUrl, 'GET', `/api/chat/conversations/${conversationId}`, { bearer: alice.bearer });
        const messages = got.body.messages as Array<{ id: string; status: string; content: string; model: string; provider: string }>;
        const answer = messages.find((message) => message.id === responseId);
        return answer && !['pending', 'streaming'].includes(answer.status) ? answer : undefined;
      }, { timeoutMs: 30_000 });
    }

    it('streams the answer over the WebSocket and stores exactly the streamed text', async () => {
      llm.script({ text: 'Streams are never lost in VersaAI, not even on a refresh.', tokenDelayMs: 2 });
      const client = await StreamClient.connect(target.gatewayUrl, alice.accessToken);
      try {
        const conversationId = await newConversation();
        const { responseId } = await send(conversationId, 'Tell me about streams');
        await waitFor(() => (client.ended(responseId) ? true : undefined), { timeoutMs: 30_000 });
        const entries = client.of(responseId);
        expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
        const answer = await storedAnswer(conversationId, responseId);
        expect(answer.status).toBe('completed');
        expect(answer.content).toBe('Streams are never lost in VersaAI, not even on a refresh.');
        expect(textOf(entries)).toBe(answer.content);
        expect(answer).toMatchObject({ model: MODEL, provider: 'groq' });
      } finally {
        await client.close();
      }
    });

    it('resumes after a reconnect from the last offset with no gap and no duplicate', async () => {
      const words = Array.from({ length: 40 }, (_, index) => `w${index} `);
      llm.script({ tokens: words, tokenDelayMs: 25 });
      const first = await StreamClient.connect(target.gatewayUrl, alice.accessToken);
      const conversationId = await newConversation();
      const { responseId } = await send(conversationId, 'Count slowly');
      await waitFor(() => (first.of(responseId).filter((entry) => entry.event.type === 'delta').length >= 3 ? true : undefined), { timeoutMs: 30_000 });
      await first.close();
      const seen = first.of(responseId);
      const lastSeq = seen.at(-1)!.seq;
      // The laptop lid closes; the answer goes on without us.
      const second = await StreamClient.connect(target.gatewayUrl, alice.accessToken, { responseId, afterSeq: lastSeq });
      try {
        await waitFor(() => (second.ended(responseId) ? true : undefined), { timeoutMs: 30_000 });
        const rest = second.of(responseId);
        const all = [...seen, ...rest];
        expect(all.map((entry) => entry.seq)).toEqual(all.map((_, index) => index + 1));
        const answer = await storedAnswer(conversationId, responseId);
        expect(textOf(all)).toBe(answer.content);
        expect(answer.content).toBe(words.join(''));
      } finally {
        await second.close();
      }
    });

    if (topology.replicas) it('delivers the deltas of a message sent to one chat replica to a socket held by the other', async () => {
      llm.script({ text: 'Across replicas through Redis.', tokenDelayMs: 2 });
      const [chat1, chat2] = [target.serviceUrls['chat-1']!, target.serviceUrls['chat-2']!];
      const onReplica2 = await StreamClient.connect(chat2, alice.accessToken);
      try {
        const created = await call(chat1, 'POST', '/api/chat/conversations', { bearer: alice.bearer, body: {} });
        expect(created.status).toBe(201);
        const sent = await call(chat1, 'POST', `/api/chat/conversations/${created.body.id}/messages`, { bearer: alice.bearer, body: { content: 'hello' } });
        expect(sent.status).toBe(202);
        await waitFor(() => (onReplica2.ended(sent.body.responseId) ? true : undefined), { timeoutMs: 30_000 });
        expect(textOf(onReplica2.of(sent.body.responseId))).toBe('Across replicas through Redis.');
      } finally {
        await onReplica2.close();
      }
    });
  });
}
