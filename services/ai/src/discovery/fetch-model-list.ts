import { MAX_MODEL_LIST_BYTES } from './model-list.ts';

export interface ModelListSource {
  /** The provider's OpenAI-compatible base URL (`…/v1`); `/models` is appended. */
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_MODEL_LIST_BYTES) throw new Error(`the model list is too large (${declared} bytes)`);
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_MODEL_LIST_BYTES) {
      await reader.cancel();
      throw new Error(`the model list is larger than ${MAX_MODEL_LIST_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GET {baseUrl}/models with the credentials chat calls use; the text of a 2xx answer, else
 * throws. Redirects are refused so the API key never follows a redirect to another host.
 */
export async function fetchModelList(source: ModelListSource, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await fetch(`${source.baseUrl.replace(/\/+$/, '')}/models`, {
    method: 'GET',
    redirect: 'error',
    signal,
    headers: {
      accept: 'application/json',
      ...(source.apiKey ? { authorization: `Bearer ${source.apiKey}` } : {}),
      ...source.headers,
    },
  });
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel();
    throw new Error(`GET /models answered ${response.status}`);
  }
  return readCapped(response);
}
