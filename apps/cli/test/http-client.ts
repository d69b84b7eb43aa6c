// Small helpers the CLI tests share: JSON requests against a running platform.
export interface JsonResponse { status: number; contentType: string; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export async function request(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

/** Registers and logs in through the gateway, then waits until the users service has built the profile from the event. */
export async function registerAndAwaitProfile(
  baseUrl: string,
  email: string,
  waitFor: <T>(fn: () => Promise<T | undefined>, opts?: { timeoutMs?: number }) => Promise<T>,
): Promise<{ userId: string; profile: JsonResponse; authorization: string }> {
  const registered = await request(`${baseUrl}/api/auth/register`, { body: { email, password: 'correct horse battery' } });
  if (registered.status !== 202) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  // Registration answers the same for new and taken addresses; the account's id comes with a login.
  const login = await request(`${baseUrl}/api/auth/login`, { body: { email, password: 'correct horse battery' } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  const userId = login.body.user.id as string;
  // Profiles are private: each user reads their own with their access token.
  const authorization = `Bearer ${login.body.accessToken as string}`;
  const profile = await waitFor(async () => {
    const response = await request(`${baseUrl}/api/users/${userId}`, { headers: { authorization } });
    return response.status === 200 ? response : undefined;
  }, { timeoutMs: 20_000 });
  return { userId, profile, authorization };
}

/** How many GET /api/users/:id requests a process has served, from its own /metrics. */
export async function profileRequestsServed(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return metrics.split('\n')
    .filter((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/api/users/:id"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/**
 * Waits until the gateway counts `count` replicas of `service` healthy (its own metrics): a
 * replica whose /ready was slow under load stays out of rotation until its next check.
 */
export async function awaitHealthyReplicas(
  gatewayUrl: string,
  service: string,
  count: number,
  waitFor: <T>(fn: () => Promise<T | undefined>, opts?: { timeoutMs?: number; intervalMs?: number }) => Promise<T>,
): Promise<void> {
  await waitFor(async () => {
    const metrics = await (await fetch(`${gatewayUrl}/metrics`)).text();
    const healthy = metrics.split('\n')
      .filter((line) => line.startsWith('versaai_gateway_upstream_healthy{') && line.includes(`service="${service}"`) && line.endsWith(' 1'));
    return healthy.length === count ? true : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}
