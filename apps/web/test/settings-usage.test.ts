import { describe, expect, it, vi } from 'vitest';
import { currentMonthRange, usageByDay } from '../src/components/settings/usage-range.ts';
import { json } from './fake-api.ts';
import { freshDeviceEachTest, mountSettings } from './settings-fixtures.ts';

const track = freshDeviceEachTest(() => vi.useRealTimers());

const line = (day: string, model: string, requests: number, promptTokens: number, completionTokens: number) =>
  ({ day, model, requests, promptTokens, completionTokens, costUsd: 0 });

describe('the usage range', () => {
  it('is the current UTC month up to today, whatever the local time zone says', () => {
    // 23:30 UTC on March 31st is already April 1st east of UTC, and still March in UTC.
    expect(currentMonthRange(new Date('2026-03-31T23:30:00Z'))).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(currentMonthRange(new Date('2026-04-01T00:00:00Z'))).toEqual({ from: '2026-04-01', to: '2026-04-01' });
  });

  it('adds up each day’s models, newest day first', () => {
    expect(usageByDay([line('2026-03-01', 'a', 1, 10, 20), line('2026-03-02', 'a', 2, 5, 5), line('2026-03-02', 'b', 1, 1, 1)])).toEqual([
      { day: '2026-03-02', models: ['a', 'b'], requests: 3, promptTokens: 6, completionTokens: 6, costUsd: 0 },
      { day: '2026-03-01', models: ['a'], requests: 1, promptTokens: 10, completionTokens: 20, costUsd: 0 },
    ]);
  });
});

describe('settings: usage this month', { timeout: 20_000 }, () => {
  it('asks for the first day of this UTC month to today and shows the totals and each day', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-17T10:00:00Z'));
    const { wrapper, calls } = await mountSettings('usage', {
      'GET /api/ai/usage': () => json(200, {
        from: '2026-03-01', to: '2026-03-17',
        days: [line('2026-03-02', 'versaai-offline', 3, 1200, 3400), line('2026-03-16', 'versaai-offline', 1, 50, 60), line('2026-03-16', 'big', 2, 10, 20)],
        totals: { requests: 6, promptTokens: 1260, completionTokens: 3480, costUsd: 0 },
      }),
    });
    track(wrapper);
    expect(calls.find((call) => call.path.startsWith('/api/ai/usage'))!.path).toBe('/api/ai/usage?from=2026-03-01&to=2026-03-17');
    const totals = wrapper.find('.totals').text();
    expect(totals).toContain('Requests6');
    expect(totals).toContain('Prompt tokens1,260');
    expect(totals).toContain('Completion tokens3,480');
    const rows = wrapper.findAll('tbody tr').map((row) => row.findAll('th, td').map((cell) => cell.text()));
    expect(rows).toEqual([
      ['Mar 16, 2026', '3', '60', '80', 'versaai-offline, big'],
      ['Mar 2, 2026', '3', '1,200', '3,400', 'versaai-offline'],
    ]);
  });

  it('says so when there is no usage yet', async () => {
    const { wrapper } = await mountSettings('usage', {
      'GET /api/ai/usage': () => json(200, { from: '2026-03-01', to: '2026-03-01', days: [], totals: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 } }),
    });
    track(wrapper);
    expect(wrapper.text()).toContain('No usage yet this month.');
    expect(wrapper.find('table').exists()).toBe(false);
  });
});
