/**
 * `retry-after` as milliseconds from now: delay-seconds (`"2"`, `"0.5"` as some gateways send)
 * or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** OpenAI also sends `retry-after-ms` (more precise); it wins when present and readable. */
export function retryAfterOf(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const msHeader = headers['retry-after-ms'];
  const ms = Array.isArray(msHeader) ? msHeader[0] : msHeader;
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms.trim()));
  return parseRetryAfter(headers['retry-after'], now);
}
