import WebSocket from 'ws';

export interface ReceivedEntry { seq: number; event: { type: string; text?: string; status?: string; [key: string]: unknown } }

/**
 * A test client of the chat WebSocket: collects every entry per response, in arrival order,
 * so tests can check for gaps and duplicates exactly as a browser would see them.
 */
export class StreamClient {
  readonly entries = new Map<string, ReceivedEntry[]>();
  readonly frames: Array<Record<string, unknown>> = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      this.frames.push(frame);
      if (frame.type !== 'entries') return;
      const responseId = frame.responseId as string;
      const list = this.entries.get(responseId) ?? [];
      list.push(...(frame.entries as ReceivedEntry[]));
      this.entries.set(responseId, list);
    });
  }

  /** `resume` names the response a reconnecting client was reading and the last seq it applied. */
  static async connect(baseUrl: string, accessToken: string, resume?: { responseId: string; afterSeq: number }): Promise<StreamClient> {
    const query = resume ? `?responseId=${encodeURIComponent(resume.responseId)}&afterSeq=${resume.afterSeq}` : '';
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/chat/stream/ws${query}`, { headers: { authorization: `Bearer ${accessToken}` } });
    // Listening before 'open': the first frames can arrive in the same read as the upgrade
    // answer, and ws emits them right after 'open', before an awaiting caller could listen.
    const client = new StreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`WebSocket upgrade answered ${response.statusCode}`)));
    });
    return client;
  }

  resume(responseId: string, afterSeq: number): void {
    this.socket.send(JSON.stringify({ type: 'resume', responseId, afterSeq }));
  }

  of(responseId: string): ReceivedEntry[] {
    return this.entries.get(responseId) ?? [];
  }

  ended(responseId: string): boolean {
    return this.of(responseId).some((entry) => entry.event.type === 'end');
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }
}

/** The answer a client shows: deltas concatenated, restarting at every `reset`. */
export function textOf(entries: readonly ReceivedEntry[]): string {
  let text = '';
  for (const entry of entries) {
    if (entry.event.type === 'reset') text = '';
    if (entry.event.type === 'delta') text += entry.event.text ?? '';
  }
  return text;
}
