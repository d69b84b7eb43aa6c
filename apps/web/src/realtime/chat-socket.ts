import type { ServerFrame } from '../api/contracts.ts';

export interface ChatSocketOptions {
  /** A current access token, renewed when the server closed the socket for an expired one. */
  token: (renew: boolean) => Promise<string | null>;
  onFrame: (frame: ServerFrame) => void;
  /** Called after each (re)connection is ready: the place to resume unfinished answers. */
  onReady?: () => void;
  url?: string;
  createSocket?: (url: string, protocols: string[]) => WebSocket;
}

const TOKEN_EXPIRED = 4001;
const MAX_BACKOFF_MS = 30_000;
/** After a wake-up, a socket that answers nothing this long is presumed dead (a sleeping laptop's socket may still say OPEN). */
const WAKE_PROBE_MS = 5_000;

export function chatSocketUrl(location: Pick<Location, 'protocol' | 'host'> = globalThis.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/chat/stream/ws`;
}

/**
 * The chat real-time channel: one WebSocket per tab, authenticated by the subprotocol
 * `versaai.bearer.<token>` beside `versaai.v1` (browsers cannot set headers on a WebSocket).
 * It reconnects with growing, jittered delays and renews the token when the server closed
 * the socket because the token expired.
 */
export class ChatSocket {
  readonly #options: ChatSocketOptions;
  #socket: WebSocket | null = null;
  #attempt = 0;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #probe: ReturnType<typeof setTimeout> | null = null;
  #connecting = false;

  constructor(options: ChatSocketOptions) {
    this.#options = options;
  }

  start(): void {
    this.#closed = false;
    void this.#connect(false);
  }

  send(frame: { type: 'resume'; responseId: string; afterSeq: number } | { type: 'ping' }): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  stop(): void {
    this.#closed = true;
    this.#clearTimers();
    this.#socket?.close(1000);
    this.#socket = null;
  }

  /**
   * The tab became visible again or the network came back: reconnect now instead of waiting
   * out the back-off, and make sure an open-looking socket is really alive (ping; no frame
   * within a few seconds and it is replaced). Returns true when the socket is open, so the
   * caller can resume at once; otherwise `onReady` follows the new connection.
   */
  wake(): boolean {
    if (this.#closed) return false;
    let socket = this.#socket;
    if (socket && socket.readyState >= WebSocket.CLOSING) {
      socket = this.#socket = null; // its close event is still on the way after a sleep: do not wait for it
    }
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      if (!socket && !this.#connecting) {
        this.#clearTimers();
        this.#attempt = 0;
        void this.#connect(false);
      }
      return false;
    }
    if (!this.#probe) {
      this.#probe = setTimeout(() => {
        this.#probe = null;
        if (this.#socket !== socket) return;
        this.#socket = null;
        socket.close(4000);
        void this.#connect(false);
      }, WAKE_PROBE_MS);
    }
    socket.send(JSON.stringify({ type: 'ping' }));
    return true;
  }

  #clearTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#probe) clearTimeout(this.#probe);
    this.#timer = null;
    this.#probe = null;
  }

  async #connect(renew: boolean): Promise<void> {
    this.#connecting = true;
    const token = await this.#options.token(renew).catch(() => null).finally(() => {
      this.#connecting = false;
    });
    if (this.#closed) return;
    if (!token) return; // signed out: nothing to listen to
    const create = this.#options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
    const socket = create(this.#options.url ?? chatSocketUrl(), ['versaai.v1', `versaai.bearer.${token}`]);
    this.#socket = socket;
    let ready = false;
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      if (this.#probe) {
        clearTimeout(this.#probe); // it is alive
        this.#probe = null;
      }
      let frame: ServerFrame;
      try {
        frame = JSON.parse(message.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'ready') {
        ready = true;
        this.#attempt = 0;
        this.#options.onReady?.();
      }
      this.#options.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#closed) return;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.#attempt) * (0.5 + Math.random() / 2);
      this.#attempt += 1;
      // A handshake refused before `ready` may be an expired token too (the answer is a plain 401).
      const renew = event.code === TOKEN_EXPIRED || !ready;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.#connect(renew), event.code === TOKEN_EXPIRED ? 0 : delay);
    };
  }
}
