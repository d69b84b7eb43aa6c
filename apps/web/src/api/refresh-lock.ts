/**
 * Auth rotates the refresh token on every use and treats a second use of the old one as theft
 * (the whole session is revoked). Tabs share the cookie, so refreshes must not overlap across
 * tabs either: the Web Locks API serialises them where the browser has it.
 */
export type RefreshLock = <T>(task: () => Promise<T>) => Promise<T>;

export const browserRefreshLock: RefreshLock = (task) => {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return task();
  return locks.request('versaai-refresh', task) as Promise<Awaited<ReturnType<typeof task>>>;
};
