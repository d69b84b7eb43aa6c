/**
 * The peer: a bare Fastify app answering `{ hello: 'world' }`, run as its own process like the
 * platform, so both sides pay the same process and loopback costs. PORT and HOST from env.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.get('/ready', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
