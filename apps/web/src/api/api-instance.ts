import { ApiClient } from './api-client.ts';

let current = new ApiClient();

/** The app's one API client (one token, one refresh in flight). Tests install their own. */
export function api(): ApiClient {
  return current;
}

export function setApi(client: ApiClient): void {
  current = client;
}
