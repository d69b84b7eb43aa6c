import type { IncomingMessage } from 'node:http';
import { pooledUuidV7 } from './pooled-uuid.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

// Ids travel into logs and headers: anything longer or with other characters is replaced.
const SANE_ID = /^[\w.:-]{1,128}$/;

function saneHeader(raw: IncomingMessage, name: string): string | undefined {
  const value = raw.headers[name];
  return typeof value === 'string' && SANE_ID.test(value) ? value : undefined;
}

export function requestIdOf(raw: IncomingMessage): string {
  return saneHeader(raw, REQUEST_ID_HEADER) ?? pooledUuidV7();
}

export function correlationIdOf(raw: IncomingMessage, requestId: string): string {
  return saneHeader(raw, CORRELATION_ID_HEADER) ?? requestId;
}
