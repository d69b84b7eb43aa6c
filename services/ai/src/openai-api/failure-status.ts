import { ProblemError } from '@versaai/kernel';
import type { GenerationResult } from '../generation/types.ts';

/** HTTP status of a generation that failed before any text: the gateway-style 502/503/504. */
function statusOf(code: string): number {
  if (/TIMEOUT/.test(code)) return 504;
  if (/UNAVAILABLE|CIRCUIT|QUEUE/.test(code)) return 503;
  return 502;
}

export function generationFailure(result: GenerationResult): ProblemError {
  const code = result.errorCode ?? 'AI_UPSTREAM_ERROR';
  return new ProblemError({ status: statusOf(code), code, detail: `The model provider could not answer (${code}).` });
}
