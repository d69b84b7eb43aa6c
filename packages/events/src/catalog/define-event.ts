import type { z } from 'zod';

/**
 * One event type of the catalog: every version it ever had (so old entries still on a stream
 * can be decoded) and the version producers write today.
 */
export interface EventDefinition<
  Type extends string = string,
  Versions extends Record<number, z.ZodType> = Record<number, z.ZodType>,
  Latest extends keyof Versions & number = keyof Versions & number,
> {
  type: Type;
  versions: Versions;
  latest: Latest;
}

export function defineEvent<
  const Type extends string,
  const Versions extends Record<number, z.ZodType>,
  const Latest extends keyof Versions & number,
>(type: Type, versions: Versions, latest: Latest): EventDefinition<Type, Versions, Latest> {
  if (!(latest in versions)) throw new Error(`${type}: latest version ${latest} has no schema`);
  return { type, versions, latest };
}
