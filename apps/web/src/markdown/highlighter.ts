import { shallowRef, type ShallowRef } from 'vue';
import type { Highlight } from './code-block.ts';

const loaded: ShallowRef<Highlight | undefined> = shallowRef();
let loading: Promise<Highlight> | undefined;

/** The highlighter once loaded (reactive: a component re-renders when it arrives), else undefined. */
export function currentHighlighter(): Highlight | undefined {
  return loaded.value;
}

/** Loads highlight.js once, on the first code block: it stays out of the sign-in page's bundle. */
export function loadHighlighter(): Promise<Highlight> {
  loading ??= import('./highlight-languages.ts').then(
    (module) => {
      loaded.value = module.highlight;
      return module.highlight;
    },
    (error: unknown) => {
      // A failed chunk load (offline, new deploy) may succeed later; code stays plain meanwhile.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Whether Markdown source has a fenced code block worth highlighting. */
export function hasFencedCode(source: string): boolean {
  return /^ {0,3}(?:```|~~~)/m.test(source);
}
