/**
 * The live log of one assistant response: what the AI service produces, in order, numbered.
 * Clients resume from the last number they saw, also after the response ended (entries are
 * kept for a retention period). Appends reach every process subscribed to the response's
 * user — on any chat replica — so a delta finds that user's sockets wherever they are.
 */
export type ResponseStreamEvent =
  | { type: 'status'; status: 'queued' | 'streaming'; model?: string; provider?: string }
  | { type: 'delta'; text: string }
  /** A new attempt starts over (the previous worker died): clients drop the text received so far. */
  | { type: 'reset'; reason: string }
  | { type: 'end'; status: 'completed' | 'failed' | 'cancelled'; finishReason?: string; errorCode?: string };

export interface StreamEntry {
  /** 1, 2, 3 … per response, assigned by the store: the offset clients resume from. */
  seq: number;
  /** Epoch ms when appended. */
  at: number;
  event: ResponseStreamEvent;
}

export interface ResponseRef {
  responseId: string;
  conversationId: string;
  userId: string;
}

export type UserStreamListener = (ref: ResponseRef, entries: StreamEntry[]) => void;
export type Unsubscribe = () => Promise<void>;

export interface ResponseStreamStore {
  /** Appends in order and returns the entries with their numbers; subscribers of ref.userId receive them. */
  append(ref: ResponseRef, events: readonly ResponseStreamEvent[]): Promise<StreamEntry[]>;
  /** Entries numbered above `afterSeq` (default 0: all), in order; [] for an unknown or expired response. */
  read(responseId: string, afterSeq?: number): Promise<StreamEntry[]>;
  /** The response's owner, known while its entries are kept (streams are private to their user). */
  owner(responseId: string): Promise<ResponseRef | undefined>;
  /** Live appends for every response of one user, from any process. */
  subscribeUser(userId: string, listener: UserStreamListener): Promise<Unsubscribe>;
  /** Live appends may have been missed (the subscriptions were lost and are live again): re-read what is followed. */
  onRestored(listener: () => void): () => void;
  /** Asks whoever generates the response to stop; remembered for the retention period, so a worker that has not started yet sees it too. */
  requestCancel(responseId: string): Promise<void>;
  isCancelRequested(responseId: string): Promise<boolean>;
  onCancelRequested(listener: (responseId: string) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export function isFinal(event: ResponseStreamEvent): boolean {
  return event.type === 'end';
}
