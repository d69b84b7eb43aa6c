import { shallowRef } from 'vue';
import type { Conversation } from '../api/contracts.ts';

/** How long "Conversation deleted — Undo" stays before the DELETE is sent. */
export const UNDO_WINDOW_MS = 6000;

/** Where the conversation was in its list, to put it back there on undo. */
export interface Shelf {
  index: number;
}

export interface PendingDeletion {
  conversation: Conversation;
  shelf: Shelf;
}

/**
 * Delete with undo: the DELETE waits until the undo window ends. Leaving the page sends it
 * at once (`pagehide`), so a deletion the user did not undo is never lost. One at a time: a
 * second deletion ends the first one's window.
 */
export function usePendingDeletion(options: { send: (conversation: Conversation) => Promise<void>; windowMs?: number }) {
  const pending = shallowRef<PendingDeletion | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const onPageHide = () => void flush();

  function take(): PendingDeletion | null {
    const current = pending.value;
    if (timer) clearTimeout(timer);
    timer = null;
    pending.value = null;
    globalThis.removeEventListener?.('pagehide', onPageHide);
    return current;
  }

  async function flush(): Promise<void> {
    const current = take();
    if (!current) return;
    await options.send(current.conversation);
  }

  function start(conversation: Conversation, shelf: Shelf): void {
    void flush();
    pending.value = { conversation, shelf };
    timer = setTimeout(() => void flush(), options.windowMs ?? UNDO_WINDOW_MS);
    globalThis.addEventListener?.('pagehide', onPageHide);
  }

  return { pending, start, undo: take, flush, drop: take };
}
