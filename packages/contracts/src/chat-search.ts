/** GET /api/chat/search: the caller's messages matching `q`, best first (docs/chat-search.md). */

export interface SearchHit {
  conversationId: string;
  conversationTitle: string | null;
  messageId: string;
  role: string;
  /**
   * Escaped HTML (`&lt; &gt; &amp; &quot; &#39;`) whose only element is `<mark>` around the
   * matched words.
   */
  snippet: string;
  /** Higher is better; comparable only within one result list. */
  rank: number;
  createdAt: string;
}

export interface SearchPage {
  items: SearchHit[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export const SEARCH_LIMITS = { pageSize: 50, defaultPageSize: 20 } as const;
