/** What the fake LLM answers in the journey: Markdown as models write it, and hostile content. */

export const MARKDOWN_ANSWER = [
  '## Greeting',
  '',
  'Here is a **small** function and how to call it:',
  '',
  '```ts',
  'function greet(name: string): string {',
  '  return `Hello, ${name}!`;',
  '}',
  '```',
  '',
  '- it takes a `name`',
  '- it returns a string',
  '',
  'See [the handbook](https://www.typescriptlang.org/docs/) for more.',
].join('\n');

const IMG = '<img src=x onerror="window.__xss=1">';

/** A user's message carrying the payloads (raw HTML, a javascript: link). */
export const XSS_QUESTION = `XSS question ${IMG} and [click me](javascript:window.__xss=1)`;

/** A model's answer carrying them, plus an HTML code block that must stay code. */
export const XSS_ANSWER = [
  `XSS answer ${IMG}`,
  '',
  '[click](javascript:window.__xss=1)',
  '',
  '```html',
  '<script>window.__xss=1</script>',
  IMG,
  '```',
].join('\n');

/** A long, slow answer: still streaming when the test presses Stop. */
export const SLOW_ANSWER = { text: 'This answer takes its time, one word after another, so that it can be stopped.', tokenCount: 400, tokenDelayMs: 60 };
