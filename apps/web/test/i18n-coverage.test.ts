import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseSfc } from '@vue/compiler-sfc';
import { NodeTypes, type AttributeNode, type ElementNode, type TemplateChildNode } from '@vue/compiler-dom';
import { messagesEn } from '../src/i18n/messages-en.ts';
import { messagesEs } from '../src/i18n/messages-es.ts';

// A plain path: happy-dom replaces the URL global of this environment.
const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).map((file) => join(src, file));

// Attributes a person reads or hears; their static values must come from the catalog.
const READ_ATTRIBUTES = new Set(['placeholder', 'title', 'alt', 'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'label']);
// Text that is the same in every language.
const UNTRANSLATED = /^[\s\d\p{P}\p{S}]*$/u;

function resolve(messages: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), messages);
}

/** Literal keys passed to t(), $t(), te(), $te(), tm() or i18n-t keypath="…": dynamic keys (`errors.${code}`) are checked where they are built. */
function literalKeys(text: string): string[] {
  const keys: string[] = [];
  for (const match of text.matchAll(/\$?\bt[em]?\(\s*'([a-zA-Z][\w.]*)'/g)) keys.push(match[1]!);
  for (const match of text.matchAll(/keypath="([a-zA-Z][\w.]*)"/g)) keys.push(match[1]!);
  return keys;
}

function hardCoded(nodes: TemplateChildNode[], found: string[]): string[] {
  for (const node of nodes) {
    if (node.type === NodeTypes.TEXT && !UNTRANSLATED.test(node.content)) found.push(`text "${node.content.trim()}"`);
    if (node.type !== NodeTypes.ELEMENT) continue;
    const element = node as ElementNode;
    for (const prop of element.props) {
      if (prop.type === NodeTypes.ATTRIBUTE && READ_ATTRIBUTES.has(prop.name)) {
        const value = (prop as AttributeNode).value?.content ?? '';
        if (!UNTRANSLATED.test(value)) found.push(`${element.tag} ${prop.name}="${value}"`);
      }
    }
    // Code blocks and the like show the user's own text, never ours.
    if (!['code', 'pre', 'script', 'style'].includes(element.tag)) hardCoded(element.children, found);
  }
  return found;
}

describe('the catalog covers the app', () => {
  it('has every key the sources ask for, in both languages', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of files.filter((name) => name.endsWith('.vue') || name.endsWith('.ts'))) {
      for (const key of literalKeys(readFileSync(file, 'utf8'))) {
        seen += 1;
        for (const [locale, messages] of [['en', messagesEn], ['es', messagesEs]] as const) {
          if (typeof resolve(messages, key) !== 'string') missing.push(`${locale}: ${key} (${file.slice(src.length + 1)})`);
        }
      }
    }
    expect(seen, 'the scan finds no key at all: its pattern no longer matches the sources').toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('leaves no text or read attribute hard-coded in a template', () => {
    const offenders: string[] = [];
    for (const file of files.filter((name) => name.endsWith('.vue'))) {
      const { descriptor } = parseSfc(readFileSync(file, 'utf8'), { filename: file });
      if (!descriptor.template?.ast) continue;
      for (const found of hardCoded(descriptor.template.ast.children, [])) offenders.push(`${file.slice(src.length + 1)}: ${found}`);
    }
    expect(offenders, 'put these strings in src/i18n/en/<area>.ts and es/<area>.ts').toEqual([]);
  });

  it('notices a hard-coded string (the check itself works)', () => {
    const { descriptor } = parseSfc('<template><p title="Hello">Hi {{ x }}<code>raw</code></p><span aria-label="…">1</span></template>', { filename: 'x.vue' });
    expect(hardCoded(descriptor.template!.ast!.children, [])).toEqual(['p title="Hello"', 'text "Hi"']);
  });
});
