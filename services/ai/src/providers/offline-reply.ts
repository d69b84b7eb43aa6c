import type { ChatMessage } from '../generation/types.ts';

export const OFFLINE_MODEL_ID = 'versaai-offline';
export const OFFLINE_PROVIDER_ID = 'offline';

const ENGLISH = [
  'VersaAI has no AI provider configured, so this is an automatic reply from the built-in offline model',
  ` (${OFFLINE_MODEL_ID}), not from a language model: your message was not read by any AI.`,
  '\n\nTo connect one, set an environment variable and restart VersaAI:',
  '\n- GROQ_API_KEY for Groq,',
  '\n- OPENAI_API_KEY for OpenAI,',
  '\n- OLLAMA_URL for a local Ollama (for example http://localhost:11434),',
  '\n- or describe any OpenAI-compatible server (vLLM, LM Studio, …) in AI_CONFIG_FILE or AI_PROVIDERS.',
  '\n\nSee docs/ai-providers.md for details.',
].join('');

const SPANISH = [
  'VersaAI no tiene ningún proveedor de IA configurado, así que esta es una respuesta automática del modelo',
  ` integrado sin conexión (${OFFLINE_MODEL_ID}), no de un modelo de lenguaje: ninguna IA ha leído tu mensaje.`,
  '\n\nPara conectar uno, define una variable de entorno y reinicia VersaAI:',
  '\n- GROQ_API_KEY para Groq,',
  '\n- OPENAI_API_KEY para OpenAI,',
  '\n- OLLAMA_URL para un Ollama local (por ejemplo http://localhost:11434),',
  '\n- o describe cualquier servidor compatible con OpenAI (vLLM, LM Studio, …) en AI_CONFIG_FILE o AI_PROVIDERS.',
  '\n\nConsulta docs/ai-providers.md para más detalles.',
].join('');

// Frequent Spanish words that are rare in English; two of them (or one Spanish-only mark) decide.
const SPANISH_WORDS = new Set([
  'hola', 'que', 'qué', 'como', 'cómo', 'por', 'para', 'una', 'los', 'las', 'el', 'la', 'es', 'está', 'gracias',
  'puedes', 'quiero', 'necesito', 'dónde', 'cuál', 'cuando', 'cuándo', 'pero', 'muy', 'sí', 'también', 'buenos', 'días',
  'tengo', 'hacer', 'mi', 'tu', 'del', 'con', 'sobre', 'ayuda', 'ayudar', 'explica', 'escribe',
]);

/** A deterministic guess: Spanish when the last user message looks Spanish, else English. */
export function looksSpanish(text: string): boolean {
  if (/[¿¡ñÑ]/.test(text)) return true;
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let hits = 0;
  for (const word of words) if (SPANISH_WORDS.has(word)) hits += 1;
  return hits >= 2 || (words.length > 0 && words.length <= 2 && hits === words.length);
}

/** The offline model's honest answer, in the language of the last user message. */
export function offlineReplyText(messages: readonly ChatMessage[]): string {
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  return lastUser && looksSpanish(lastUser.content) ? SPANISH : ENGLISH;
}

/** Word tokens that join back to the text: `"No provider"` → `"No"`, `" provider"`. */
export function wordTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}
