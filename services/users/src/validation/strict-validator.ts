import { Ajv, type Options } from 'ajv';
import type { FastifyInstance, FastifySchema } from 'fastify';

const common: Options = { allErrors: true, allowUnionTypes: true, removeAdditional: false, strict: true };

// Fastify's default Ajv strips unknown properties and coerces types ("5" → 5, 5 → "5"): a
// PATCH with a typo would answer 200 having done nothing. Bodies here are checked as sent;
// only the query string and path, which are text by nature, are coerced.
const bodyAjv = new Ajv({ ...common, coerceTypes: false, useDefaults: false });
const textAjv = new Ajv({ ...common, coerceTypes: true, useDefaults: true });

/** Makes every route registered in `scope` validate strictly (unknown fields and wrong types → 400 VALIDATION_FAILED). */
export function useStrictValidation(scope: FastifyInstance): void {
  scope.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object));
}
