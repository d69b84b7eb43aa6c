import { onBeforeUnmount, onMounted } from 'vue';

/**
 * Runs `tick` every `intervalMs` while the page is visible: a hidden tab asks nothing, and
 * coming back runs it at once so what is shown is not stale.
 */
export function useVisibleInterval(tick: () => void, intervalMs: number): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const start = () => {
    if (timer === undefined) timer = setInterval(tick, intervalMs);
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') {
      tick();
      start();
    } else {
      stop();
    }
  };
  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility);
    if (document.visibilityState === 'visible') start();
  });
  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', onVisibility);
    stop();
  });
}
