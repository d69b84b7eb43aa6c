import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type RedisScript = (client: Redis, numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A Lua script run by its digest (EVALSHA): EVAL would send the whole script on every call and
 * have Redis hash it in its one thread. The script cache is empty after a Redis restart or a
 * failover: then EVAL runs it once and loads it again.
 */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  // One promise chain, not an async function: the limiter runs this on every request at the edge.
  return (client, numberOfKeys, ...keysAndArgs) => client.evalsha(sha, numberOfKeys, ...keysAndArgs).catch((error: unknown) => {
    if (!isNoScript(error)) throw error;
    return client.eval(lua, numberOfKeys, ...keysAndArgs);
  });
}
