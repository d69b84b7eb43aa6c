/** Service name → base URLs of its replicas, e.g. { auth: ['http://127.0.0.1:8081', 'http://127.0.0.1:8091'] }. */
export type Upstreams = Record<string, string[]>;

const SERVICE_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Parses `auth=http://127.0.0.1:8081|http://127.0.0.1:8091,users=http://127.0.0.1:8082`.
 * Returns the reason as a string when the value is malformed, so the config schema can
 * report it against VERSAAI_UPSTREAMS.
 */
export function parseUpstreams(raw: string): Upstreams | string {
  const upstreams: Upstreams = {};
  for (const part of raw.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return `must list service=url entries separated by commas (bad entry "${part}")`;
    const service = part.slice(0, separator).trim();
    if (!SERVICE_NAME.test(service)) return `has an invalid service name "${service}"`;
    if (upstreams[service]) return `lists service "${service}" twice (separate its replicas with |)`;
    const urls = part.slice(separator + 1).split('|').map((url) => url.trim()).filter((url) => url !== '');
    if (urls.length === 0) return `has no URL for service "${service}"`;
    for (const url of urls) {
      if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
        return `has an invalid URL for service "${service}" (expected http:// or https://)`;
      }
    }
    // Only the origin matters: the proxy keeps the request path (/api/<service>/…) as it is.
    upstreams[service] = urls.map((url) => new URL(url).origin);
  }
  return upstreams;
}

export function formatUpstreams(upstreams: Upstreams): string {
  return Object.entries(upstreams).map(([service, urls]) => `${service}=${urls.join('|')}`).join(',');
}
