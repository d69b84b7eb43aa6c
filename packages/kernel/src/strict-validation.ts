import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

const common: Options = { allErrors: true, allowUnionTypes: true, removeAdditional: false, strict: false };

function withFormats(ajv: Ajv): Ajv {
  (addFormats as unknown as (instance: Ajv) => Ajv)(ajv);
  return ajv;
}

// Fastify's default Ajv strips unknown properties and coerces types ("5" → 5, 5 → "5"): a body
// with a typo'd field would answer 2xx having ignored it. Bodies are checked as sent; only the
// query string, path and headers, which are text by nature, are coerced.
const bodyAjv = withFormats(new Ajv({ ...common, coerceTypes: false, useDefaults: true }));
const textAjv = withFormats(new Ajv({ ...common, coerceTypes: 'array', useDefaults: true }));

/** Every route of the app validates strictly: unknown fields and wrong types → 400 VALIDATION_FAILED. */
export function installStrictValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object));
}
