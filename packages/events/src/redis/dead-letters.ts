import type { Redis } from 'ioredis';
import { replayStreamFor, type DeadLetter, type StreamEntry } from '../transport.ts';
import { PAYLOAD_FIELD } from './blocking-reader.ts';
import type { RedisKeys } from './keys.ts';
import { asEntries, fieldsToRecord, throwPipelineErrors } from './replies.ts';
import { compareStreamIds, isStreamId } from './stream-ids.ts';

// Read, re-append and delete in one atomic step, so two concurrent replays cannot both append.
const REPLAY_SCRIPT = `
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields = found[1][2]
local payload = ''
for i = 1, #fields, 2 do if fields[i] == '${PAYLOAD_FIELD}' then payload = fields[i + 1] end end
redis.call('XADD', KEYS[2], '*', '${PAYLOAD_FIELD}', payload)
redis.call('XDEL', KEYS[1], ARGV[1])
return fields
`;

/**
 * Dead letters live in one stream per group. Their public id is `<group>:<stream id>`: a bare
 * stream id is only unique within one group's stream.
 */
export function createDeadLetters(redis: Redis, keys: RedisKeys, ensureGroup: (group: string, streams: string[]) => Promise<void>) {
  function toDeadLetter(group: string, streamId: string, fields: string[] | null): DeadLetter | null {
    const record = fieldsToRecord(fields);
    if (!record) return null;
    return {
      id: `${group}:${streamId}`,
      group,
      stream: record.stream ?? '',
      entryId: record.entryId ?? '',
      payload: record[PAYLOAD_FIELD] ?? '',
      error: record.error ?? '',
      deliveries: Number(record.deliveries ?? 0),
      failedAt: record.failedAt ?? '',
    };
  }

  function parseId(id: string): { group: string; streamId: string } | null {
    const separator = id.lastIndexOf(':');
    if (separator <= 0) return null;
    const streamId = id.slice(separator + 1);
    return isStreamId(streamId) ? { group: id.slice(0, separator), streamId } : null;
  }

  async function deadLetter(group: string, entry: StreamEntry, error: string): Promise<void> {
    const results = await redis
      .multi()
      .xadd(keys.deadLetters(group), '*',
        'group', group, 'stream', entry.stream, 'entryId', entry.id, PAYLOAD_FIELD, entry.payload,
        'error', error, 'deliveries', String(entry.deliveries), 'failedAt', new Date().toISOString())
      .xack(keys.stream(entry.stream), group, entry.id)
      .sadd(keys.deadLetterGroups(), group)
      .exec();
    throwPipelineErrors(results);
  }

  async function listDeadLetters(group?: string, limit = 100): Promise<DeadLetter[]> {
    const groups = group === undefined ? await redis.smembers(keys.deadLetterGroups()) : [group];
    const pipeline = redis.pipeline();
    for (const name of groups) pipeline.call('XRANGE', keys.deadLetters(name), '-', '+', 'COUNT', limit);
    const replies = throwPipelineErrors(await pipeline.exec());
    const letters = groups.flatMap((name, index) =>
      asEntries(replies[index]).flatMap(([streamId, fields]) => toDeadLetter(name, streamId, fields) ?? []),
    );
    letters.sort((a, b) => compareStreamIds(a.id.slice(a.id.lastIndexOf(':') + 1), b.id.slice(b.id.lastIndexOf(':') + 1)));
    return letters.slice(0, limit);
  }

  async function replayDeadLetter(id: string): Promise<DeadLetter | null> {
    const parsed = parseId(id);
    if (!parsed) return null;
    const replayStream = replayStreamFor(parsed.group);
    await ensureGroup(parsed.group, [replayStream]);
    const fields = (await redis.eval(
      REPLAY_SCRIPT, 2, keys.deadLetters(parsed.group), keys.stream(replayStream), parsed.streamId,
    )) as string[] | null;
    return toDeadLetter(parsed.group, parsed.streamId, fields);
  }

  return { deadLetter, listDeadLetters, replayDeadLetter };
}
