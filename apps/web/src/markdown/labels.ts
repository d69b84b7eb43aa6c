/** The translated words the rendered HTML contains (the renderer knows no language). */
export interface MarkdownLabels {
  /** The copy button's visible text. */
  copy: string;
  /** The copy button's accessible name (contains the visible text). */
  copyCode: string;
  /** The toolbar's name for a code block without a language. */
  plainText: string;
}
