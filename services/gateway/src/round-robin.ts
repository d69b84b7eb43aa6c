/** Hands out the replicas of one service in turn, so every replica gets an equal share. */
export function roundRobin(urls: readonly string[]): () => string {
  if (urls.length === 0) throw new Error('roundRobin needs at least one URL');
  let next = 0;
  return () => {
    const url = urls[next % urls.length] as string;
    next = (next + 1) % urls.length;
    return url;
  };
}
