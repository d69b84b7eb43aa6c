import { ApiClient } from '../src/api/api-client.ts';
import { setApi } from '../src/api/api-instance.ts';

export interface RecordedCall {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

type Route = (call: RecordedCall) => Response | Promise<Response>;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ status, code, title: code, detail: `detail of ${code}`, ...extra }), {
    status, headers: { 'content-type': 'application/problem+json' },
  });

export const tokens = (accessToken: string, email = 'ada@example.com') =>
  ({ accessToken, tokenType: 'Bearer', expiresIn: 900, user: { id: 'u1', email, role: 'user' } });

/**
 * A scripted API: each "METHOD /path" answers from its handler; every call is recorded.
 * Installs an ApiClient on it as the app's client and returns both.
 */
export function fakeApi(routes: Record<string, Route>, options: { onSessionLost?: () => void } = {}) {
  const calls: RecordedCall[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    const call: RecordedCall = {
      method: init?.method ?? 'GET',
      path: String(input),
      authorization: headers.get('authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path.split('?')[0]}`];
    if (!route) return problem(404, 'NOT_FOUND');
    return route(call);
  };
  const client = new ApiClient({ fetch, refreshLock: (task) => task(), onSessionLost: options.onSessionLost });
  setApi(client);
  return { client, calls };
}
