import type { ConsumerBreakdown, ConsumerReport } from './consumer-host.ts';

/** Adds up two reports of the same consumer (a drain may need a second report to see the last ack). */
export function mergeReports(a: ConsumerReport, b: ConsumerReport): ConsumerReport {
  const breakdown = {} as ConsumerBreakdown;
  for (const key of Object.keys(a.breakdown) as Array<keyof ConsumerBreakdown>) breakdown[key] = a.breakdown[key] + b.breakdown[key];
  // Utilization is a share of the period, not a sum: weight it by the two periods.
  breakdown.eventLoopUtilization = breakdown.periodMs > 0
    ? (a.breakdown.eventLoopUtilization * a.breakdown.periodMs + b.breakdown.eventLoopUtilization * b.breakdown.periodMs) / breakdown.periodMs
    : 0;
  return {
    handled: a.handled + b.handled,
    acked: a.acked + b.acked,
    lastAckAt: Math.max(a.lastAckAt, b.lastAckAt),
    latencies: a.latencies.concat(b.latencies),
    breakdown,
  };
}

/** Reports until `expectedAcks` acks were seen across all consumers (or the attempts run out). */
export async function collectReports(reporters: Array<() => Promise<ConsumerReport>>, expectedAcks: number): Promise<ConsumerReport[]> {
  let reports = await Promise.all(reporters.map((report) => report()));
  for (let attempt = 0; attempt < 50; attempt++) {
    if (reports.reduce((sum, report) => sum + report.acked, 0) >= expectedAcks) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const more = await Promise.all(reporters.map((report) => report()));
    reports = reports.map((report, index) => mergeReports(report, more[index]!));
  }
  return reports;
}
