import { openTransport, parsePlatformConfig } from '@versaai/runtime';
import type { BusTransport, DeadLetter } from '@versaai/events';

async function withTransport<T>(fn: (transport: BusTransport) => Promise<T>): Promise<T> {
  const transport = await openTransport(parsePlatformConfig(process.env));
  try {
    return await fn(transport);
  } finally {
    await transport.close();
  }
}

function describe(letter: DeadLetter): string {
  let type = '?';
  try {
    type = String((JSON.parse(letter.payload) as { type?: unknown }).type ?? '?');
  } catch {
    type = '(malformed payload)';
  }
  return `${letter.id}  group=${letter.group}  type=${type}  deliveries=${letter.deliveries}  failed=${letter.failedAt}\n    error: ${letter.error}`;
}

/** `versaai events dead-letters list [--group g] [--limit n] [--json]` */
export async function listDeadLettersCommand(opts: { group?: string; limit?: string; json?: boolean }): Promise<void> {
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  const letters = await withTransport((transport) => transport.listDeadLetters(opts.group, limit));
  if (opts.json) {
    console.log(JSON.stringify(letters, null, 2));
    return;
  }
  if (letters.length === 0) {
    console.log(opts.group ? `No dead letters for group ${opts.group}.` : 'No dead letters.');
    return;
  }
  for (const letter of letters) console.log(describe(letter));
}

/** `versaai events dead-letters replay <id>`: hands the event back to the group that failed it. */
export async function replayDeadLetterCommand(id: string): Promise<void> {
  const replayed = await withTransport((transport) => transport.replayDeadLetter(id));
  if (!replayed) {
    console.error(`No dead letter with id ${id}.`);
    process.exitCode = 1;
    return;
  }
  console.log(`Replayed ${id} to group ${replayed.group}.`);
}
