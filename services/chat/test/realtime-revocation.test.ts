import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { createRedisRevocationList, type ResponseStreamStore, type RevocationList } from '@versaai/storage';
import { createTestIssuer, requireService, tempDataDir, waitFor, type TestIssuer } from '@versaai/testing';
import { chatService } from '../src/index.ts';
import { startChatOnRedis } from './chat-alone.ts';
import { connectStream, upgradeStatus, wsUrl, type Frame, type StreamClient } from './realtime-harness.ts';

const hasRedis = await requireService('redis', 'chat realtime: streams of a revoked session on Redis');

/** A short heartbeat: 16 ticks of 20 ms, so a revocation is seen within a fraction of a second. */
const HEARTBEAT = { CHAT_STREAM_HEARTBEAT_MS: '320' };

interface Setup {
  url: string;
  issuer: TestIssuer;
  streams: ResponseStreamStore;
  /** Revokes as auth does on sign-out everywhere, a password change or a disabled account. */
  revoke(ids: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** An SSE response read to its end: its `data:` frames, and whether the server ended it. */
async function openSse(url: string, token: string) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  let text = '';
  const ended = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
  })();
  const frames = () => text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as Frame);
  await waitFor(() => frames().find((frame) => frame.type === 'ready'));
  return { frames, ended };
}

function describeRevokedStreams(name: string, start: () => Promise<Setup>, enabled = true): void {
  describe.skipIf(!enabled)(`chat realtime: streams of a revoked session (${name})`, () => {
    let setup: Setup;
    const open: StreamClient[] = [];

    beforeAll(async () => {
      setup = await start();
    });

    afterAll(async () => {
      await Promise.all(open.map((client) => client.close()));
      await setup?.stop();
    });

    const connect = async (userId: string, sid: string) => {
      const client = await connectStream(wsUrl(setup.url), await setup.issuer.sign({ sub: userId, sid }));
      open.push(client);
      return client;
    };

    it('closes the revoked session\'s socket with 4001 and ends its SSE stream; another session of the user keeps receiving', async () => {
      const userId = `user-${randomUUID()}`;
      const [sessionA, sessionB] = [`sess-a-${randomUUID()}`, `sess-b-${randomUUID()}`];
      const a = await connect(userId, sessionA);
      const b = await connect(userId, sessionB);
      const aSse = await openSse(`${setup.url}/api/chat/stream/sse`, await setup.issuer.sign({ sub: userId, sid: sessionA }));

      await setup.revoke([sessionA]);
      expect(await a.closed).toEqual({ code: 4001, reason: 'session revoked' });
      await aSse.ended;
      expect(aSse.frames().at(-1)).toMatchObject({ type: 'error', code: 'AUTH_SESSION_REVOKED' });

      // Two pings of B after A closed: at least one whole interval, so B's slice was checked since.
      let pings = 0;
      b.ws.on('ping', () => { pings += 1; });
      await waitFor(() => (pings >= 2 ? true : undefined));
      expect(b.ws.readyState).toBe(WebSocket.OPEN);
      const ref = { responseId: randomUUID(), conversationId: randomUUID(), userId };
      await setup.streams.append(ref, [{ type: 'delta', text: 'still here' }]);
      await b.next((frame) => frame.type === 'entries' && frame.responseId === ref.responseId);
      expect(a.entriesOf(ref.responseId)).toEqual([]);

      // And the revoked session cannot come back.
      expect(await upgradeStatus(wsUrl(setup.url), ['versaai.v1', `versaai.bearer.${await setup.issuer.sign({ sub: userId, sid: sessionA })}`])).toBe(401);
      const metrics = await (await fetch(`${setup.url}/metrics`)).text();
      expect(metrics).toMatch(/versaai_chat_stream_drops_total\{transport="websocket",reason="revoked"\} 1\b/);
      expect(metrics).toMatch(/versaai_chat_stream_drops_total\{transport="sse",reason="revoked"\} 1\b/);
    });

    it('closes every socket of every revoked session at once (sign out everywhere), API-key tokens included', async () => {
      const userId = `user-${randomUUID()}`;
      const sessions = [`sess-${randomUUID()}`, `sess-${randomUUID()}`, `ak_${randomUUID()}`];
      const clients = [await connect(userId, sessions[0]!), await connect(userId, sessions[0]!), await connect(userId, sessions[1]!), await connect(userId, sessions[2]!)];
      await setup.revoke(sessions);
      for (const client of clients) expect((await client.closed).code).toBe(4001);
    });
  });
}

// All-in-one: the gateway's edge and the chat service in one process, the revocation list in memory.
describeRevokedStreams('all-in-one, memory revocation list', async () => {
  const data = await tempDataDir();
  const issuer = await createTestIssuer();
  let platform: RunningPlatform;
  try {
    platform = await startPlatform({
      services: [issuer.fakeAuthService, chatService],
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: data.dir, BUS_BLOCK_MS: '100', ...HEARTBEAT },
    });
  } catch (error) {
    await data.remove();
    throw error;
  }
  const context = platform.services.get('chat')!.context;
  return {
    url: platform.url,
    issuer,
    streams: context.responseStreams,
    revoke: (ids) => context.revocations.revoke(ids, 60_000),
    async stop() {
      await platform.stop();
      await data.remove();
    },
  };
});

// Distributed: chat alone on Redis; auth revokes from its own process (here its own client).
describeRevokedStreams('chat alone, Redis revocation list', async () => {
  const redis = await startChatOnRedis(HEARTBEAT);
  const auth: RevocationList = createRedisRevocationList({ url: redis.redis.url, prefix: `${redis.redis.prefix}revoked:` });
  return {
    url: redis.chat.url,
    issuer: redis.chat.issuer,
    streams: redis.writer,
    revoke: (ids) => auth.revoke(ids, 60_000),
    async stop() {
      await auth.close();
      await redis.stop();
    },
  };
}, hasRedis);
