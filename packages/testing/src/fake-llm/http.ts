import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultError, errorBody, type OpenAiErrorBody } from './protocol.ts';
import type { FakeLlmErrorFailure } from './types.ts';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function sendError(res: ServerResponse, status: number, body: OpenAiErrorBody, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function sendFailure(res: ServerResponse, failure: FakeLlmErrorFailure): void {
  const defaults = defaultError(failure.status);
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
  const code = failure.code === undefined ? defaults.code : failure.code;
  sendError(res, failure.status, errorBody(failure.message ?? defaults.message, failure.type ?? defaults.type, null, code), headers);
}

/** The body as text; `tooLarge` past 16 MiB (the rest is read and discarded). */
export function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: size > MAX_BODY_BYTES ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
    req.on('error', () => resolve({ text: '', tooLarge: false }));
  });
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
