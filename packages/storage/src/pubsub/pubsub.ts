/**
 * Fire-and-forget messages to every process subscribed to a channel (memory in all-in-one,
 * Redis pub/sub otherwise). Nothing is stored: a subscriber that is not listening misses the
 * message, so it carries notifications whose state can be read again, never the state itself.
 */
export type PubSubListener = (message: string) => void;

export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live: a message published after that reaches `listener`. */
  subscribe(channel: string, listener: PubSubListener): Promise<() => Promise<void>>;
  /**
   * Called each time the subscriptions are live again after the connection to the broker was
   * lost: whatever was published meanwhile was missed, so a listener re-reads the state the
   * messages were about. Never called in memory. Returns a function that stops the calls.
   */
  onRestored(listener: () => void): () => void;
  close(): Promise<void>;
}
