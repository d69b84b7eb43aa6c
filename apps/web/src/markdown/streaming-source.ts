// A last line that is only the start of a block marker ("-", "``", "|--", "#") would briefly parse as
// something else (a setext heading, a paragraph, an empty item) and then jump: held back until it grows.
const UNFINISHED_MARKER = /^ {0,3}(?:[-=*_+>#|~`:]|\d{1,9}[.)])[-=*_+>#|~`:\s]*$/;

/** The part of a streaming answer that is safe to show now: everything but a dangling marker line. */
export function streamingSource(source: string): string {
  const lastBreak = source.lastIndexOf('\n');
  const lastLine = source.slice(lastBreak + 1);
  if (lastLine === '' || !UNFINISHED_MARKER.test(lastLine)) return source;
  return source.slice(0, lastBreak + 1);
}
