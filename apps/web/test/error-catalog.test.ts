import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorsEn } from '../src/i18n/errors-en.ts';
import { errorsEs } from '../src/i18n/errors-es.ts';
import { messagesEn } from '../src/i18n/messages-en.ts';
import { messagesEs } from '../src/i18n/messages-es.ts';

// A plain path: happy-dom replaces the URL global of this environment.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CODE = String.raw`'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)'`;

function sourceFiles(): string[] {
  const roots = ['services', 'packages'].flatMap((top) =>
    readdirSync(join(repo, top), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(repo, top, entry.name, 'src')));
  return roots.flatMap((root) => {
    try {
      return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => join(root, file));
    } catch {
      return [];
    }
  });
}

/**
 * Every code the platform can put in front of a client: problem codes (`problem.x('CODE'`,
 * `problem.create(status, 'CODE'`, `code: 'CODE'`, the kernel's status → code table),
 * real-time error frames, and the codes failed answers carry (`…error-codes.ts`, `…_CODE =`).
 */
function codesUsedByTheServices(): Set<string> {
  const patterns = [
    new RegExp(String.raw`problem\.\w+\(\s*(?:\d+\s*,\s*)?${CODE}`, 'g'),
    new RegExp(String.raw`\bcode:\s*${CODE}`, 'g'),
    new RegExp(String.raw`\b\d{3}:\s*${CODE}`, 'g'),
    new RegExp(String.raw`errorFrame\(\s*${CODE}`, 'g'),
    new RegExp(String.raw`_CODE\s*=\s*${CODE}`, 'g'),
    new RegExp(String.raw`failure\([^)]*?${CODE}`, 'g'),
  ];
  const codes = new Set<string>();
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
    if (file.endsWith('error-codes.ts')) for (const match of text.matchAll(new RegExp(CODE, 'g'))) codes.add(match[1]!);
  }
  return codes;
}

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key));
}

describe('translation catalogs', () => {
  it('translate every error code the services use', () => {
    const used = codesUsedByTheServices();
    // The scan itself must keep finding codes of every kind, or this test would pass on nothing.
    for (const known of ['AUTH_INVALID_CREDENTIALS', 'VALIDATION_FAILED', 'CONFLICT', 'STREAM_NOT_FOUND', 'AI_IDLE_TIMEOUT', 'AI_NO_PROGRESS', 'CHAT_CONVERSATION_NOT_FOUND']) {
      expect(used, `the scan no longer finds ${known}`).toContain(known);
    }
    const missing = [...used].filter((code) => !(code in errorsEn) || !(code in errorsEs)).sort();
    expect(missing, 'add these codes to apps/web/src/i18n/errors-en.ts and errors-es.ts').toEqual([]);
  });

  it('have the same keys in Spanish and English, none empty', () => {
    expect(keysOf(messagesEs).sort()).toEqual(keysOf(messagesEn).sort());
    for (const [locale, messages] of [['en', messagesEn], ['es', messagesEs]] as const) {
      for (const key of keysOf(messages)) {
        const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages);
        expect(typeof value === 'string' && value.trim() !== '', `${locale}: ${key} is empty`).toBe(true);
      }
    }
    expect(Object.keys(errorsEs).sort()).toEqual(Object.keys(errorsEn).sort());
  });
});
