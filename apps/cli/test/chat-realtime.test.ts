import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, routeTable } from '@versaai/service-gateway';
import { chatService } from '@versaai/service-chat';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import type { ResponseStreamStore } from '@versaai/storage';
import { createTestIssuer, freePort, tempDataDir, waitFor, type TempDataDir, type TestIssuer } from '@versaai/testing';
// The chat service's own protocol client (test code): the composition root may use it.
import { connectStream, textOf, upgradeStatus, wsUrl, type StreamClient } from '../../../services/chat/test/realtime-harness.ts';

const chatRoutes = routeTable.filter((route) => route.service === 'chat');
const budgets = { credentials: { limit: 10, windowMs: 60_000 }, standard: { limit: 5, windowMs: 60_000 } };

async function readSse(url: string, headers: Record<string, string>, until: (text: string) => boolean): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  let text = '';
  if (response.status === 200) {
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk, { stream: true });
      if (until(text)) break;
    }
  }
  abort.abort();
  return { status: response.status, text };
}

function suite(topology: 'all-in-one' | 'distributed') {
  describe(`chat realtime through the gateway (${topology})`, () => {
    let issuer: TestIssuer;
    let jwks: { url: string; close(): Promise<void> } | undefined;
    const dirs: TempDataDir[] = [];
    const platforms: RunningPlatform[] = [];
    let edge: RunningPlatform;
    let streams: ResponseStreamStore;
    const clients: StreamClient[] = [];

    const dir = async () => {
      const made = await tempDataDir();
      dirs.push(made);
      return made.dir;
    };
    const connect = async (userId: string) => {
      const client = await connectStream(wsUrl(edge.url), await issuer.sign({ sub: userId }));
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      issuer = await createTestIssuer();
      const base = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', BUS_BLOCK_MS: '100' };
      if (topology === 'all-in-one') {
        edge = await startPlatform({
          services: [issuer.fakeAuthService, chatService],
          gateway: createGateway([...chatRoutes, ...routeTable.filter((route) => route.service === 'auth')], budgets),
          env: { ...base, VERSAAI_DATA_DIR: await dir() },
        });
        platforms.push(edge);
        streams = edge.services.get('chat')!.context.responseStreams;
      } else {
        jwks = await issuer.serveJwks();
        const chat = await startPlatform({ services: [chatService], separateProcesses: true, env: { ...base, VERSAAI_DATA_DIR: await dir(), AUTH_JWKS_URL: jwks.url } });
        platforms.push(chat);
        streams = chat.services.get('chat')!.context.responseStreams;
        edge = await startPlatform({
          services: [],
          gateway: createGateway(chatRoutes, budgets),
          separateProcesses: true,
          // A second replica that refuses connections: upgrades fail over to the live one.
          env: { ...base, AUTH_JWKS_URL: jwks.url, VERSAAI_UPSTREAMS: `chat=http://127.0.0.1:${await freePort()}|${chat.url}` },
        });
        platforms.push(edge);
      }
    });

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close()));
      for (const platform of platforms.reverse()) await platform.stop();
      await jwks?.close();
      for (const made of dirs) await made.remove();
    });

    it('carries a user\'s deltas over the WebSocket, and resumes mid-stream without gap or duplicate', async () => {
      const socket = await connect('uma');
      const ref = { responseId: randomUUID(), conversationId: randomUUID(), userId: 'uma' };
      await streams.append(ref, [{ type: 'delta', text: 'through ' }, { type: 'delta', text: 'the ' }]);
      await waitFor(() => (socket.entriesOf(ref.responseId).length === 2) || undefined);
      await socket.close();
      await streams.append(ref, [{ type: 'delta', text: 'edge' }, { type: 'end', status: 'completed' }]);
      const again = await connect('uma');
      again.send({ type: 'resume', responseId: ref.responseId, afterSeq: 2 });
      await again.next((frame) => frame.type === 'resumed');
      expect(again.entriesOf(ref.responseId).map((entry) => entry.seq)).toEqual([3, 4]);
      expect(textOf([...socket.entriesOf(ref.responseId), ...again.entriesOf(ref.responseId)])).toBe('through the edge');
    });

    it('refuses the upgrade at the edge without a token or with a forged one', async () => {
      expect(await upgradeStatus(wsUrl(edge.url), ['versaai.v1'])).toBe(401);
      const forger = await createTestIssuer({ kid: issuer.kid });
      expect(await upgradeStatus(wsUrl(edge.url), ['versaai.v1', `versaai.bearer.${await forger.sign({ sub: 'uma' })}`])).toBe(401);
    });

    it('counts upgrades against the user\'s rate budget', async () => {
      const token = await issuer.sign({ sub: `flood-${topology}` });
      const statuses: number[] = [];
      for (let index = 0; index < 6; index += 1) statuses.push(await upgradeStatus(wsUrl(edge.url), ['versaai.v1', `versaai.bearer.${token}`]));
      expect(statuses).toEqual([101, 101, 101, 101, 101, 429]);
    });

    it('streams SSE through the edge as it is written, not buffered', async () => {
      const ref = { responseId: randomUUID(), conversationId: randomUUID(), userId: 'vic' };
      const token = await issuer.sign({ sub: 'vic' });
      let appended = false;
      const result = await readSse(`${edge.url}/api/chat/stream/sse?access_token=${token}`, {}, (text) => {
        if (!appended && text.includes('"ready"')) {
          appended = true;
          void streams.append(ref, [{ type: 'delta', text: 'live' }]);
        }
        return text.includes(`id: ${ref.responseId}:1`);
      });
      expect(result.status).toBe(200);
      expect(result.text).toContain('"text":"live"');
    });
  });
}

suite('all-in-one');
suite('distributed');
