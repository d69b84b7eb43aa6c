import fc from 'fast-check';
import type { JsonSchema } from './api-inventory.ts';

/** A request body that no JSON route may accept: raw bytes, sent as application/json. */
export interface HostileBody {
  kind: string;
  payload: Buffer;
}

const typesOf = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

// Values no declared scalar type accepts, even with Fastify's type coercion: an object, or an
// array holding one (coercion only unwraps one-element arrays of scalars).
const uncoercible = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 }),
  fc.array(fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { minKeys: 1, maxKeys: 2 }), { minLength: 1, maxLength: 3 }),
);

/** A wrong value for one property: uncoercible for scalars, a scalar for objects and arrays. */
function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  if (types.includes('object') || types.includes('array')) return fc.oneof(fc.integer(), fc.constant('not-a-structure'));
  return uncoercible;
}

/** Properties whose type the schema pins down: a wrong value there must fail validation. */
function typedProperties(schema: JsonSchema): Array<[string, JsonSchema]> {
  return Object.entries(schema.properties ?? {}).filter(([, property]) => typesOf(property).length > 0 && !typesOf(property).includes('null'));
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function deeplyNested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/**
 * Hostile bodies for a route's schema: wrong top-level types, wrong property types, strings far
 * past any limit, deep nesting, prototype-pollution keys, invalid UTF-8 and truncated JSON.
 * Every variant is invalid for the schema, so the only right answers are 4xx.
 */
export function hostileBodies(schema: JsonSchema): fc.Arbitrary<HostileBody> {
  const typed = typedProperties(schema);
  const names = typed.map(([name]) => name);
  const someName = names.length > 0 ? fc.constantFrom(...names) : fc.constant('field');
  const variants: Array<fc.Arbitrary<HostileBody>> = [
    fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null))
      .map((value) => ({ kind: 'not an object', payload: json(value) })),
    fc.tuple(someName, fc.integer({ min: 1, max: 3 })).map(([name, megabytes]) =>
      ({ kind: 'huge string', payload: json({ [name]: 'x'.repeat(megabytes * 1024 * 1024) }) })),
    fc.tuple(someName, fc.integer({ min: 2_000, max: 20_000 })).map(([name, depth]) =>
      ({ kind: 'deep nesting', payload: Buffer.from(`{${JSON.stringify(name)}:${deeplyNested(depth)}}`) })),
    fc.tuple(fc.constantFrom('__proto__', 'constructor'), someName).map(([key, name]) => ({
      kind: 'prototype pollution',
      payload: Buffer.from(key === '__proto__'
        ? `{${JSON.stringify(name)}:{},"__proto__":{"role":"admin","isAdmin":true}}`
        : `{${JSON.stringify(name)}:{},"constructor":{"prototype":{"role":"admin"}}}`),
    })),
    fc.tuple(someName, fc.uint8Array({ minLength: 0, maxLength: 16 })).map(([name, bytes]) => ({
      kind: 'invalid UTF-8',
      // 0xC3 0x28 and a lone 0xFF are never valid UTF-8, whatever random bytes surround them.
      payload: Buffer.concat([Buffer.from(`{${JSON.stringify(name)}:"`), Buffer.from([0xc3, 0x28, 0xff, ...bytes.filter((byte) => byte !== 0x22 && byte !== 0x5c)]), Buffer.from('"}')]),
    })),
    fc.string({ maxLength: 30 }).map((text) => ({ kind: 'truncated JSON', payload: Buffer.from(`{"a":${JSON.stringify(text)}`) })),
  ];
  if (typed.length > 0) {
    variants.push(fc.record(Object.fromEntries(typed.map(([name, property]) => [name, wrongValue(property)])))
      .map((body) => ({ kind: 'wrong property types', payload: json(body) })));
  }
  return fc.oneof(...variants);
}
