import { onBeforeUnmount, watch, type Ref } from 'vue';

/** Calls `act` with the value once it has stopped changing for `delayMs` (typing in a search field). */
export function useDebounced<T>(source: Ref<T>, delayMs: number, act: (value: T) => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(source, (value) => {
    clearTimeout(timer);
    timer = setTimeout(() => act(value), delayMs);
  });
  onBeforeUnmount(() => clearTimeout(timer));
}
