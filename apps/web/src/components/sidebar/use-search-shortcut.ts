import { onBeforeUnmount, onMounted } from 'vue';

const isShortcut = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';

/**
 * Ctrl+K / Cmd+K anywhere on the page calls `onShortcut` with the element that had the
 * focus (to give it back later). Only that combination's default is prevented; the
 * listener lives as long as the component that uses this.
 */
export function useSearchShortcut(onShortcut: (previous: HTMLElement | null) => void): void {
  const onKeydown = (event: KeyboardEvent) => {
    if (!isShortcut(event)) return;
    event.preventDefault();
    const previous = document.activeElement;
    onShortcut(previous instanceof HTMLElement && previous !== document.body ? previous : null);
  };
  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
