/**
 * Calls `call` on the replicas in turn, starting at `first`, until one answers; a replica that
 * cannot be reached passes the call to the next. For the gateway's own calls to services
 * (API-key exchange, privacy export), which do not go through the proxy's pools.
 */
export async function untilOneAnswers<T>(origins: readonly string[], first: number, call: (origin: string) => Promise<T>): Promise<T> {
  let lastError: unknown = new Error('no replica configured');
  for (let attempt = 0; attempt < origins.length; attempt++) {
    try {
      return await call(origins[(first + attempt) % origins.length]!);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
