import { describe, expect, it } from 'vitest';
import { deriveTitle, titleFrom } from '../src/worker/title.ts';

const result = (content: string, status: 'completed' | 'failed' = 'completed') => ({
  status, content, model: 'm', provider: 'p', usage: { promptTokens: 0, completionTokens: 0 }, costUsd: 0, finishReason: 'stop',
});

describe('conversation titles', () => {
  it('derives a title from the first words of the first user message', () => {
    expect(deriveTitle('  How do I   bake sourdough bread at home without a starter kit?')).toBe('How do I bake sourdough bread at home');
    expect(deriveTitle('x'.repeat(300))).toHaveLength(80);
    expect(deriveTitle('   ')).toBe('New conversation');
  });

  it('cleans the model\'s title and falls back to the derived one', () => {
    expect(titleFrom(result('"Sourdough basics."\nmore'), 'q')).toBe('Sourdough basics');
    expect(titleFrom(result('Title: Bread at home'), 'q')).toBe('Bread at home');
    expect(titleFrom(result('', 'completed'), 'Baking bread today')).toBe('Baking bread today');
    expect(titleFrom(result('Partial', 'failed'), 'Baking bread today')).toBe('Baking bread today');
  });

  it('drops the Markdown a model wraps its title in', () => {
    expect(titleFrom(result('## Greeting\n\nHere is a small function'), 'q')).toBe('Greeting');
    expect(titleFrom(result('**Sourdough** _basics_'), 'q')).toBe('Sourdough basics');
    expect(titleFrom(result('- `fetch` and [retries](https://example.com)'), 'q')).toBe('fetch and retries');
    expect(titleFrom(result('> Title: Bread at home'), 'q')).toBe('Bread at home');
    expect(titleFrom(result('###'), 'Baking bread today')).toBe('Baking bread today');
    expect(titleFrom(result('snake_case names in C++'), 'q')).toBe('snake_case names in C++');
  });
});
