/** The AI service's public model list (GET /api/ai/models), for the web app. Types only. */

export interface AiModel {
  id: string;
  /** The provider's id in the registry (`groq`, `openai`, `ollama`, … or `offline` for the built-in model). */
  provider: string;
  contextWindow: number;
  maxOutputTokens: number;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  /** True for the platform's default of the caller's plan (listed first). */
  default: boolean;
}

export interface AiModelList {
  /** The models the caller's plan may use, the default first. */
  items: AiModel[];
  defaultModel: string | null;
}
