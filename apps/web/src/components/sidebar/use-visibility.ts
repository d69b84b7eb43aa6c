import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * Whether the element is on screen (inside its scrolling sidebar too), for infinite scroll.
 * Without IntersectionObserver it stays false: the "load more" button still works.
 */
export function useVisibility(element: Ref<HTMLElement | null>): Ref<boolean> {
  const visible = ref(false);
  if (typeof IntersectionObserver === 'undefined') return visible;
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) visible.value = entry.isIntersecting;
  });
  watch(element, (current, previous) => {
    if (previous) observer.unobserve(previous);
    visible.value = false;
    if (current) observer.observe(current);
  }, { immediate: true });
  onBeforeUnmount(() => observer.disconnect());
  return visible;
}
