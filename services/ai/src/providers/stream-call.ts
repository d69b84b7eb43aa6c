import { StringDecoder } from 'node:string_decoder';
import { util, type Dispatcher } from 'undici';
import { retryAfterOf } from './retry-after.ts';
import { upstreamMessage } from './openai-chunk.ts';
import { ProviderError } from './types.ts';

/** How much of an error answer is read for its message. */
export const ERROR_BODY_LIMIT = 16_384;

/** A non-2xx answer as the generator sees it: status, the upstream's message, retry-after. */
export function httpFailure(providerId: string, status: number, text: string, headers: Record<string, string | string[] | undefined>): ProviderError {
  return new ProviderError('http', `${providerId} answered ${status}: ${upstreamMessage(text)}`, { status, retryAfterMs: retryAfterOf(headers) });
}

export interface StreamCallRequest {
  providerId: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * One streamed POST through undici's dispatcher, its body handed on as text in the turn each
 * piece is parsed: no response object, body stream or promise between the socket and `onText`
 * (through pool.request each piece waited for the headers' promise, then a Readable's ticks, on
 * the first token's way to the client). A non-2xx answer rejects with ProviderError 'http' (its
 * body read up to 16 KiB for the message, retry-after kept); `onText` throwing stops the call
 * and rejects with what it threw; the signal aborts the call. Resolves when the body ended.
 */
export function streamCall(dispatcher: Dispatcher, request: StreamCallRequest, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let abortCall: ((reason?: Error) => void) | undefined;
    let settled = false;
    let status = 0;
    let errorHeaders: Record<string, string | string[] | undefined> | undefined;
    let errorText = '';
    // Keeps characters split across pieces whole; cheaper to set up per call than TextDecoder.
    const decoder = new StringDecoder('utf8');

    const onAbort = () => stop(new ProviderError('aborted', `${request.providerId}: request aborted`));
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    function stop(error: unknown): void {
      if (!settle()) return;
      abortCall?.(error instanceof Error ? error : new Error(String(error)));
      reject(error);
    }

    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortCall = abort;
        if (settled) abort(new Error('the call was stopped'));
      },
      onHeaders(statusCode, rawHeaders) {
        // Informational answers (1xx) are not the response.
        if (statusCode < 200) return true;
        status = statusCode;
        if (statusCode >= 300) errorHeaders = util.parseHeaders(rawHeaders as Buffer[]) as Record<string, string | string[]>;
        return true;
      },
      onData(chunk) {
        if (settled) return true;
        if (errorHeaders) {
          if (errorText.length < ERROR_BODY_LIMIT) errorText += decoder.write(chunk);
          return true;
        }
        try {
          onText(decoder.write(chunk));
        } catch (error) {
          stop(error);
        }
        return true;
      },
      onComplete() {
        if (!settle()) return;
        if (!errorHeaders) {
          resolve();
          return;
        }
        reject(httpFailure(request.providerId, status, errorText, errorHeaders));
      },
      onError(error) {
        if (!settle()) return;
        reject(signal.aborted
          ? new ProviderError('aborted', `${request.providerId}: request aborted`, { cause: error })
          : error);
      },
    };

    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch({ path: request.path, method: 'POST', headers: request.headers, body: request.body }, handler);
  });
}
