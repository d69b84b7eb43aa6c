import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Copies a child's output line by line, each line prefixed with the child's name, so interleaved logs stay readable. */
export function pipeWithPrefix(source: Readable | null, target: Writable, prefix: string): void {
  if (!source) return;
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => target.write(`${prefix} ${line}\n`));
}
