// Loaded on demand (see highlighter.ts): highlight.js's core and the languages people paste most.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import type { Highlight } from './code-block.ts';

const languages = { bash, c, cpp, csharp, css, diff, dockerfile, go, java, javascript, json, markdown, plaintext, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
// xml's aliases cover html; "sh"/"zsh" are bash's, "console" is shell's, "ts"/"js"/"py"/"rs"/"yml"/"cs"… come with each language.

export const highlight: Highlight = (code, language) => {
  if (!hljs.getLanguage(language)) return null;
  // ignoreIllegals: a half-streamed or sloppy block still highlights instead of throwing.
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
};
