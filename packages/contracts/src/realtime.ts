/** Frames the chat real-time channel sends (docs/realtime.md). */
export type StreamEntryEvent =
  | { type: 'status'; status: 'queued' | 'streaming'; model?: string; provider?: string }
  | { type: 'delta'; text: string }
  | { type: 'reset'; reason?: string }
  | { type: 'end'; status: 'completed' | 'failed' | 'cancelled'; finishReason?: string; errorCode?: string };

export type ServerFrame =
  | { type: 'ready'; heartbeatMs: number }
  | { type: 'entries'; responseId: string; conversationId: string; entries: { seq: number; event: StreamEntryEvent }[] }
  | { type: 'resumed'; responseId: string; conversationId: string; afterSeq: number; lastSeq: number }
  | { type: 'error'; code: string; detail?: string; responseId?: string }
  | { type: 'pong' }
  | { type: 'message.created' | 'message.updated' | 'conversation.created' | 'conversation.updated' | 'conversation.deleted'; conversationId?: string };
