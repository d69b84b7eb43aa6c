import { onBeforeUnmount, watch, type Ref } from 'vue';

export interface Debouncer {
  /** Runs `act` once `delayMs` pass without another schedule or a cancel. */
  schedule(act: () => void): void;
  cancel(): void;
}

/** The restartable wait behind "search once typing pauses", for a store or a component. */
export function debouncer(delayMs: number): Debouncer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(act) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        act();
      }, delayMs);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Calls `act` with the value once it has stopped changing for `delayMs` (typing in a search field). */
export function useDebounced<T>(source: Ref<T>, delayMs: number, act: (value: T) => void): void {
  const wait = debouncer(delayMs);
  watch(source, (value) => wait.schedule(() => act(value)));
  onBeforeUnmount(wait.cancel);
}
