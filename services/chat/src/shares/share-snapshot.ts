import type { Message } from '../api-types.ts';

/** A message as a share shows it: what was said, by which role and model, and when. No ids, no user. */
export interface SharedMessage {
  role: Message['role'];
  content: string;
  model: string | null;
  /** completed, failed or cancelled (a failed or cancelled answer shows its partial text). */
  status: Message['status'];
  createdAt: string;
}

export interface ShareSnapshot { messages: SharedMessage[] }

/**
 * The active branch frozen for a share. Answers still being generated are left out: the
 * snapshot is taken once, so they would stay empty forever.
 */
export function snapshotOf(activePath: readonly Message[]): ShareSnapshot {
  return {
    messages: activePath
      .filter((message) => message.status !== 'pending' && message.status !== 'streaming')
      .map((message) => ({ role: message.role, content: message.content, model: message.model, status: message.status, createdAt: message.createdAt })),
  };
}
