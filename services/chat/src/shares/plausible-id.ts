/**
 * Whether a path id could name a stored row at all. Ids are UUIDv7 (conversations) or
 * base64url (shares): printable ASCII. Anything else (a NUL byte, which PostgreSQL refuses
 * in text and would turn into a 500, control or non-ASCII characters) names nothing, and is
 * answered as an unknown id without asking the database.
 */
export function isPlausibleId(id: string): boolean {
  return /^[\x21-\x7e]{1,100}$/.test(id);
}
