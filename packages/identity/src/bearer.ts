/** The token of an `Authorization: Bearer <token>` header; undefined when absent or of another scheme. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  return match?.[1];
}

/** API keys are opaque strings with this prefix, so the edge tells them from JWTs without parsing. */
export const API_KEY_PREFIX = 'vak_';

export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
