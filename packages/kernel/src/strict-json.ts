import type { FastifyInstance } from 'fastify';
import { ProblemError } from './errors.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON bodies must be valid UTF-8 (RFC 8259 §8.1). Decoding leniently would turn broken bytes
 * into U+FFFD and store them as if the client had sent them; a 400 tells the client instead.
 * Parsing itself stays Fastify's (secure-json-parse: `__proto__` and `constructor.prototype`
 * keys are refused), so limits and error codes do not change.
 */
export function installStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new ProblemError({ status: 400, code: 'INVALID_UTF8', detail: 'The request body is not valid UTF-8.' }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
