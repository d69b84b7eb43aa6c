/** Key layout of the Redis transport, all under one prefix so a deployment (or a test) owns its keys. */
export interface RedisKeys {
  stream(name: string): string;
  /** Logical stream name of a stream key produced by stream(). */
  streamName(key: string): string;
  deadLetters(group: string): string;
  deadLetterGroups(): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const streamPrefix = `${prefix}stream:`;
  return {
    stream: (name) => `${streamPrefix}${name}`,
    streamName: (key) => {
      if (!key.startsWith(streamPrefix)) throw new Error(`Unexpected stream key "${key}"`);
      return key.slice(streamPrefix.length);
    },
    deadLetters: (group) => `${prefix}dlq:${group}`,
    deadLetterGroups: () => `${prefix}dlq-groups`,
  };
}
