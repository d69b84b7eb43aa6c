import { describe, expect, it } from 'vitest';
import { Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { BucketedHistogram } from '../src/bucketed-histogram.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LABELS = ['method', 'route', 'status_code'] as const;
const OBSERVATIONS: Array<[Record<(typeof LABELS)[number], string>, number]> = [
  [{ method: 'GET', route: '/api/users/me', status_code: '200' }, 0.0021],
  [{ method: 'GET', route: '/api/users/me', status_code: '200' }, 0.005],
  [{ method: 'GET', route: '/api/users/me', status_code: '200' }, 0.0051],
  [{ method: 'GET', route: '/api/users/me', status_code: '200' }, 31],
  [{ method: 'GET', route: '/api/users/me', status_code: '500' }, 0.02],
  [{ method: 'PATCH', route: '/api/users/me', status_code: '200' }, 0.02],
  [{ method: 'POST', route: '/a "quoted"\\path', status_code: '422' }, 0.3],
  [{ method: 'GET', route: 'unmatched', status_code: '404' }, 10],
  [{ method: 'GET', route: 'unmatched', status_code: '404' }, 0],
];

function both(openMetrics = false) {
  const reference = new Registry<OpenMetricsContentType>();
  const fast = new Registry<OpenMetricsContentType>();
  if (openMetrics) {
    reference.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    fast.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }
  const help = 'HTTP request duration in seconds';
  const promHistogram = new Histogram({ name: 'http_request_duration_seconds', help, labelNames: LABELS, buckets: BUCKETS, registers: [reference] });
  const histogram = new BucketedHistogram({ name: 'http_request_duration_seconds', help, labelNames: LABELS, buckets: BUCKETS, registers: [fast] });
  for (const [labels, value] of OBSERVATIONS) {
    promHistogram.observe({ ...labels }, value);
    histogram.observe(labels, value);
  }
  return { reference, fast, histogram };
}

describe('BucketedHistogram', () => {
  it('exports the same Prometheus text as prom-client’s Histogram for the same observations', async () => {
    const { reference, fast } = both();
    expect(await fast.metrics()).toBe(await reference.metrics());
  });

  it('exports the same OpenMetrics text and JSON', async () => {
    const { reference, fast } = both(true);
    expect(await fast.metrics()).toBe(await reference.metrics());
    expect(await fast.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('forgets every series on reset, as the registry’s resetMetrics expects', async () => {
    const { fast, histogram } = both();
    fast.resetMetrics();
    histogram.observe({ method: 'GET', route: '/x', status_code: '200' }, 0.01);
    const text = await fast.metrics();
    expect(text).not.toContain('/api/users/me');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/x",status_code="200"} 1');
  });

  it('refuses a value that is not a finite number, like prom-client', () => {
    const { histogram } = both();
    expect(() => histogram.observe({ method: 'GET', route: '/x', status_code: '200' }, Number.NaN)).toThrow(TypeError);
  });
});
