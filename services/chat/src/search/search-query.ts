/**
 * What a person typed in the search box, reduced to plain terms that no full-text engine can
 * read as syntax. Nothing of the input reaches FTS5's MATCH or PostgreSQL's to_tsquery except
 * runs of letters, digits and combining marks, so operators (AND OR NOT NEAR), `*`, `^`, `:`,
 * parentheses and quotes are inert: a search is never a syntax error (never a 500).
 *
 * - A word matches any word starting with it ("gato" finds "gatos"): prefix matching stands
 *   in for stemming, which no single language's rules would do for Spanish and English alike.
 * - "double quoted words" match as a phrase, in that order and adjacent.
 * - Every term must match (AND). At most MAX_TERMS terms of MAX_TERM_LENGTH characters are
 *   kept, so a 10 KB query costs what a short one does.
 */
export interface SearchTerm {
  /** One word, or several for a phrase; only letters, digits and combining marks. */
  words: string[];
  /** The last word may be the start of a longer word. */
  prefix: boolean;
}

export const MAX_TERMS = 16;
export const MAX_TERM_LENGTH = 64;
const MAX_PHRASE_WORDS = 8;

// A mark may follow a letter (a decomposed "é") but starts no word: FTS5 would strip it to nothing.
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

function wordsOf(text: string): string[] {
  return (text.match(WORD) ?? []).map((word) => word.slice(0, MAX_TERM_LENGTH));
}

/** The terms of a query; empty when nothing searchable remains. */
export function parseSearchQuery(raw: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (term: SearchTerm) => {
    const key = `${term.prefix ? '*' : '='}${term.words.join(' ').toLowerCase()}`;
    if (term.words.length === 0 || seen.has(key) || terms.length >= MAX_TERMS) return;
    seen.add(key);
    terms.push(term);
  };
  // Quotes alternate between outside and inside a phrase; an unbalanced last quote opens
  // nothing, its words count as plain words.
  const parts = raw.split('"');
  const balanced = parts.length % 2 === 1;
  parts.forEach((part, index) => {
    const insidePhrase = index % 2 === 1 && (balanced || index < parts.length - 1);
    const words = wordsOf(part);
    if (insidePhrase && words.length > 1) add({ words: words.slice(0, MAX_PHRASE_WORDS), prefix: false });
    else for (const word of words) add({ words: [word], prefix: true });
  });
  return terms;
}

/** An FTS5 MATCH expression: each term a string (never an operator), implicitly ANDed. */
export function toFts5Match(terms: SearchTerm[]): string {
  return terms.map((term) => `"${term.words.join(' ')}"${term.prefix ? '*' : ''}`).join(' ');
}

/** A to_tsquery text: each word a quoted lexeme, `:*` for prefixes, `<->` within a phrase, `&` between terms. */
export function toTsQuery(terms: SearchTerm[]): string {
  const lexeme = (word: string) => `'${word.replace(/['\\]/g, '')}'`;
  return terms
    .map((term) => {
      const words = term.words.map(lexeme);
      if (term.prefix) words[words.length - 1] += ':*';
      return words.length === 1 ? words[0] : `(${words.join(' <-> ')})`;
    })
    .join(' & ');
}
