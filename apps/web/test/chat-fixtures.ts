import type { AiModelList, ConversationWithPath, PathMessage } from '../src/api/contracts.ts';

export const conversation = {
  id: 'c1', title: null, titleSource: null, pinned: false, archived: false, activeLeafId: null, createdAt: '', updatedAt: '', lastMessageAt: '',
} as const;

/** A stored message of the active path, with no siblings unless given. */
export function pathMessage(id: string, role: 'user' | 'assistant', content: string, extra: Partial<PathMessage> = {}): PathMessage {
  return {
    id, conversationId: 'c1', parentId: null, role, content, status: 'completed', errorCode: null,
    model: role === 'assistant' ? 'llama-3.3-70b' : null, provider: role === 'assistant' ? 'groq' : null,
    usage: role === 'assistant' ? { promptTokens: 12, completionTokens: 34 } : { promptTokens: 0, completionTokens: 0 },
    costUsd: 0, finishReason: role === 'assistant' ? 'stop' : null, createdAt: '', updatedAt: '',
    siblingCount: 1, siblingIndex: 0, siblingIds: [id], ...extra,
  };
}

export function page(messages: PathMessage[], nextCursor: string | null = null): ConversationWithPath {
  return { conversation: { ...conversation }, messages, nextCursor };
}

export const realModels: AiModelList = {
  items: [
    { id: 'llama-3.3-70b', provider: 'groq', contextWindow: 128000, maxOutputTokens: 8192, inputPricePerMillion: 0.59, outputPricePerMillion: 0.79, default: true },
    { id: 'gpt-4o-mini', provider: 'openai', contextWindow: 128000, maxOutputTokens: 16384, inputPricePerMillion: 0.15, outputPricePerMillion: 0.6, default: false },
  ],
  defaultModel: 'llama-3.3-70b',
};

export const offlineModels: AiModelList = {
  items: [{ id: 'versaai-offline', provider: 'offline', contextWindow: 8192, maxOutputTokens: 1024, inputPricePerMillion: 0, outputPricePerMillion: 0, default: true }],
  defaultModel: 'versaai-offline',
};
