/** A piece of a search snippet: plain text, highlighted or not. */
export interface SnippetPart {
  text: string;
  marked: boolean;
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };

/** One pass, so `&amp;lt;` becomes the text `&lt;`, as the server meant. */
function decodeEntities(html: string): string {
  return html.replace(/&(?:lt|gt|amp|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

/**
 * Reads the server's snippet (escaped text with `<mark>` around matches) into text parts,
 * to be shown as text nodes and <mark> elements — never as HTML, so nothing else in it can
 * become markup even if the server changed.
 */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let last = 0;
  for (const match of snippet.matchAll(/<mark>(.*?)<\/mark>/gs)) {
    if (match.index > last) parts.push({ text: decodeEntities(snippet.slice(last, match.index)), marked: false });
    if (match[1]) parts.push({ text: decodeEntities(match[1]), marked: true });
    last = match.index + match[0].length;
  }
  if (last < snippet.length) parts.push({ text: decodeEntities(snippet.slice(last)), marked: false });
  return parts;
}
