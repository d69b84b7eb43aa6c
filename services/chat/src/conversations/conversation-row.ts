import type { Conversation } from '../api-types.ts';
import { iso } from '../rows.ts';

export interface ConversationRow {
  id: string;
  user_id: string;
  title: string | null;
  title_source: string | null;
  pinned: number;
  archived: number;
  active_leaf_id: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  last_message_at: string | Date;
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    titleSource: row.title_source as Conversation['titleSource'],
    pinned: Number(row.pinned) === 1,
    archived: Number(row.archived) === 1,
    activeLeafId: row.active_leaf_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastMessageAt: iso(row.last_message_at),
  };
}
