import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedTransport, createEvent, decodeEvent, streamFor, type BusTransport } from '@versaai/events';
import { tempDataDir, waitFor, type TempDataDir } from '@versaai/testing';
import { defineService, startPlatform, type GatewayDefinition, type RunningPlatform } from '../src/index.ts';

// A service made for this test: a note and an event written together, optionally failing afterwards.
const notes = defineService({
  name: 'notes',
  migrations: [{
    name: '0001_notes',
    up: (db) => db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute(),
  }],
  async routes(app, ctx) {
    app.post<{ Body: { id: string; failAfterPublish?: boolean } }>('/', async (request, reply) => {
      await ctx.transaction(async (trx, publish) => {
        await trx.insertInto('notes').values({ id: request.body.id }).execute();
        await publish([createEvent('user.registered', {
          userId: request.body.id, email: `${request.body.id}@example.org`, registeredAt: new Date().toISOString(),
        }, { source: 'notes' })]);
        if (request.body.failAfterPublish) throw new Error('failure after publish');
      });
      return reply.code(201).send({ id: request.body.id });
    });
  },
});

const env = (dir: string) => ({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dir, BUS_BLOCK_MS: '100' });

describe('startPlatform hosting a service without the gateway', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;
  let observer: BusTransport;
  const stream = streamFor('user.registered');

  beforeAll(async () => {
    dataDir = await tempDataDir();
    platform = await startPlatform({ services: [notes], env: env(dataDir.dir) });
    observer = createEmbeddedTransport({ file: join(dataDir.dir, 'bus.db') });
    await observer.ensureGroup('observer', [stream]);
  });

  afterAll(async () => {
    await observer?.close();
    await platform?.stop();
    await dataDir?.remove();
  });

  it('mounts the service under /api/<name> and listens on a real port', async () => {
    const response = await fetch(`${platform.url}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"n1"}' });
    expect(response.status).toBe(201);
  });

  it('commits state and events together, and neither when the transaction fails', async () => {
    const post = (body: object) => platform.app.inject({ method: 'POST', url: '/api/notes', payload: body });
    expect((await post({ id: 'rolled-back', failAfterPublish: true })).statusCode).toBe(500);
    expect((await post({ id: 'n2' })).statusCode).toBe(201);
    const seen: string[] = [];
    await waitFor(async () => {
      const entries = await observer.read('observer', 'test', [stream], { count: 100, blockMs: 0 });
      await observer.ack('observer', entries);
      seen.push(...entries.map((entry) => (decodeEvent(entry.payload).data as { userId: string }).userId));
      return seen.includes('n2') ? true : undefined;
    });
    // The relay publishes in commit order, so a leaked event of the failed request would precede n2.
    expect(seen).toEqual(['n1', 'n2']);
    const rows = await platform.services.get('notes')!.context.db.selectFrom('notes').select('id').orderBy('id').execute();
    expect(rows.map((row) => row.id)).toEqual(['n1', 'n2']);
  });

  it('reports the database and the bus in /ready', async () => {
    const ready = await platform.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(Object.keys(ready.json().checks).sort()).toEqual(['bus', 'notes-database']);
  });
});

describe('startPlatform with the gateway in-process', () => {
  let dataDir: TempDataDir;
  beforeAll(async () => { dataDir = await tempDataDir(); });
  afterAll(async () => { await dataDir?.remove(); });

  const edge = (register: GatewayDefinition['register']): GatewayDefinition => ({ name: 'gateway', services: () => ['notes'], register });

  it('lets the gateway wrap the hosted routes in its own scope', async () => {
    const gateway = edge(async (app, opts) => {
      await app.register(async (scope) => {
        scope.addHook('onSend', async (_request, reply) => { reply.header('x-edge', 'seen'); });
        for (const mount of opts.hosted.values()) await mount(scope);
      });
    });
    const platform = await startPlatform({ services: [notes], gateway, env: env(dataDir.dir) });
    try {
      const response = await platform.app.inject({ method: 'POST', url: '/api/notes', payload: { id: 'edge-1' } });
      expect(response.statusCode).toBe(201);
      expect(response.headers['x-edge']).toBe('seen');
    } finally {
      await platform.stop();
    }
  });

  it('fails the boot with a ConfigError when a service the gateway routes to is neither hosted nor an upstream', async () => {
    const gateway = edge(async () => {});
    await expect(startPlatform({ services: [], gateway, env: env(dataDir.dir) }))
      .rejects.toThrow('Invalid configuration: VERSAAI_UPSTREAMS has no URL for notes');
  });
});
