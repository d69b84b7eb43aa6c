import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { API_KEY_EXCHANGE_PATH, type ExchangeCall } from './api-key-exchange.ts';
import { untilOneAnswers } from './upstream/each-replica.ts';

/** All-in-one: auth lives in this Fastify instance; the call stays in the process. */
export function inProcessExchange(app: FastifyInstance): ExchangeCall {
  return async (apiKey) => {
    const response = await app.inject({ method: 'POST', url: API_KEY_EXCHANGE_PATH, payload: { apiKey } });
    return { status: response.statusCode, body: response.json() };
  };
}

/** Distributed: auth's replicas, tried in turn; a replica that cannot be reached passes the call to the next. */
export function remoteExchange(authUrls: readonly string[], timeoutMs = 5_000): ExchangeCall {
  let next = 0;
  return (apiKey) => untilOneAnswers(authUrls, next++, async (base) => {
    const response = await request(`${base}${API_KEY_EXCHANGE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: response.statusCode, body: await response.body.json().catch(() => undefined) };
  });
}
