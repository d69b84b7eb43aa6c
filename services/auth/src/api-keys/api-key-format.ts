import { API_KEY_PREFIX } from '@versaai/identity';

/** `vak_<id>_<secret>`: the id finds the row, the secret proves possession. */
export function formatApiKey(id: string, secret: string): string {
  return `${API_KEY_PREFIX}${id}_${secret}`;
}

/** What the list shows so people recognise a key: everything before the secret. */
export function displayPrefix(id: string): string {
  return `${API_KEY_PREFIX}${id}`;
}

// The id is a UUID (no underscore); the secret is base64url (43 characters for 32 bytes).
const API_KEY = /^vak_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

export function parseApiKey(apiKey: string): { id: string; secret: string } | undefined {
  const match = API_KEY.exec(apiKey);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}
