import { ApiError, errorFromResponse } from './api-error.ts';
import type { SessionTokens } from './contracts.ts';
import { browserRefreshLock, type RefreshLock } from './refresh-lock.ts';

export interface ApiClientOptions {
  /** Prefix of every path; '' = this origin (the gateway serves the app and the API together). */
  baseUrl?: string;
  fetch?: typeof fetch;
  refreshLock?: RefreshLock;
  /** Called when a session could not be renewed: the user must sign in again. */
  onSessionLost?: () => void;
}

export interface RequestOptions {
  body?: unknown;
  /** Send the access token (default). Public routes (login, register…) pass false. */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * fetch for the VersaAI API. The access token lives in memory only (never in storage a script
 * could read later); the refresh token is the httpOnly cookie auth sets on /api/auth, so a
 * reload signs the user back in with one POST /api/auth/refresh. An authenticated call that
 * gets 401 refreshes once and is retried once.
 */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #lock: RefreshLock;
  readonly #onSessionLost: () => void;
  #accessToken: string | null = null;
  #refreshing: Promise<SessionTokens | null> | null = null;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? '';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#lock = options.refreshLock ?? browserRefreshLock;
    this.#onSessionLost = options.onSessionLost ?? (() => {});
  }

  get accessToken(): string | null {
    return this.#accessToken;
  }

  setAccessToken(token: string | null): void {
    this.#accessToken = token;
  }

  /**
   * Trades the refresh cookie for a new access token (and a rotated cookie). Concurrent
   * callers share one request; null when there is no session to renew.
   */
  refresh(): Promise<SessionTokens | null> {
    this.#refreshing ??= this.#lock(() => this.#refreshOnce()).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /**
   * A refresh for a caller whose token was refused (an API call, the chat socket closed with
   * 4001): a session that cannot be renewed is reported lost, so the app signs out at once.
   */
  async renewOrLose(): Promise<SessionTokens | null> {
    const renewed = await this.refresh();
    if (!renewed) this.#onSessionLost();
    return renewed;
  }

  async #refreshOnce(): Promise<SessionTokens | null> {
    const response = await this.#send('POST', '/api/auth/refresh', { auth: false });
    if (response.status === 401) {
      this.#accessToken = null;
      return null;
    }
    if (!response.ok) throw await errorFromResponse(response);
    const tokens = (await response.json()) as SessionTokens;
    this.#accessToken = tokens.accessToken;
    return tokens;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth ?? true;
    let response = await this.#send(method, path, options);
    if (response.status === 401 && auth) {
      // A refresh that fails for another reason (offline, rate limited) throws: the session may still be fine.
      const renewed = await this.renewOrLose();
      if (!renewed) throw await errorFromResponse(response);
      response = await this.#send(method, path, options);
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204 || response.headers.get('content-length') === '0') return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) return undefined as T;
    return (await response.json()) as T;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  async #send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if ((options.auth ?? true) && this.#accessToken) headers.authorization = `Bearer ${this.#accessToken}`;
    try {
      return await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        // The refresh cookie is scoped to /api/auth by its Path; same-origin calls carry it.
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK_ERROR');
    }
  }
}
