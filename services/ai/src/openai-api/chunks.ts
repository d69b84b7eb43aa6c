import type { GenerationResult } from '../generation/types.ts';

/** OpenAI's finish reasons; anything else an upstream reports is passed as 'stop'. */
export function finishReasonOf(result: GenerationResult): 'stop' | 'length' | 'content_filter' {
  if (result.finishReason === 'length' || result.finishReason === 'content_filter') return result.finishReason;
  return 'stop';
}

export function usageOf(result: GenerationResult) {
  return {
    prompt_tokens: result.usage.promptTokens,
    completion_tokens: result.usage.completionTokens,
    total_tokens: result.usage.promptTokens + result.usage.completionTokens,
  };
}

/**
 * Serialises the `chat.completion.chunk` frames of one streamed completion. The parts that
 * never change (id, created, model) are serialised once; a delta frame is two string
 * concatenations around JSON.stringify of the text.
 */
export class ChunkWriter {
  private readonly head: string;

  constructor(id: string, created: number, model: string) {
    this.head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;
  }

  role(): string {
    return `${this.head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  delta(text: string): string {
    return `${this.head}[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  finish(reason: string): string {
    return `${this.head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":${JSON.stringify(reason)}}]}\n\n`;
  }

  usage(result: GenerationResult): string {
    return `${this.head}[],"usage":${JSON.stringify(usageOf(result))}}\n\n`;
  }

  /** A failure after the stream started: OpenAI sends an error frame, and the SDK throws it as an APIError. */
  error(message: string, code: string): string {
    return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code } })}\n\n`;
  }

  done(): string {
    return 'data: [DONE]\n\n';
  }
}
