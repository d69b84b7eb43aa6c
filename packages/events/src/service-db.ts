import type { Kysely } from 'kysely';

/** A service's database or transaction: each service types its own tables, the events tables are written untyped. */
export type ServiceDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
