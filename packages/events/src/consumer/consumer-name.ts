import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Unique per process and per consumer: two replicas (or a restarted pod) never share pending entries by name. */
export function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
