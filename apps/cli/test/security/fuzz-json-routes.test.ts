import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@versaai/testing';
import { apiInventory, concretePath, describeOperation, type ApiOperation } from './support/api-inventory.ts';
import { createAdmin, signUp, type Account } from './support/accounts.ts';
import { hostileBodies } from './support/hostile-bodies.ts';
import { snapshotRows } from './support/snapshot.ts';
import { startAllInOne, type Target } from './support/targets.ts';

const RUNS_PER_ROUTE = 40;

/**
 * Every JSON route of the platform, fed hostile bodies: the answer is always a 4xx
 * problem+json, never a 5xx, the process stays up, and no stored row changes.
 */
describe('fuzzing every JSON route with hostile bodies (fast-check)', () => {
  let target: Target;
  let admin: Account;
  let user: Account;
  let jsonRoutes: ApiOperation[];

  beforeAll(async () => {
    target = await startAllInOne();
    user = await signUp(target.gatewayUrl, 'fuzzed');
    admin = await createAdmin(target.gatewayUrl, target.cliEnv);
    jsonRoutes = (await apiInventory(target.gatewayUrl)).filter((operation) => operation.bodySchema !== undefined);
    expect(jsonRoutes.length).toBeGreaterThan(8);
  }, 120_000);

  afterAll(async () => {
    await target?.stop();
  });

  it('answers 4xx problem+json to every hostile body and leaves every table as it was', async () => {
    const app = target.platform!.app;
    // Let the events of the setup settle (profiles, role projection, e-mail stand-in) before
    // taking the baseline: every outbox drained, and no table changing for a second.
    let before = await snapshotRows(target.platform!);
    await waitFor(async () => {
      const now = await snapshotRows(target.platform!);
      const outboxesEmpty = Object.entries(now).filter(([table]) => table.endsWith('.versaai_outbox')).every(([, digest]) => digest.startsWith('0:'));
      const stable = outboxesEmpty && JSON.stringify(now) === JSON.stringify(before);
      before = now;
      return stable ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 1_000 });

    const failures: string[] = [];
    for (const operation of jsonRoutes) {
      const path = concretePath(operation, { id: user.userId });
      await fc.assert(fc.asyncProperty(hostileBodies(operation.bodySchema!), async (body) => {
        const response = await app.inject({
          method: operation.method as 'POST',
          url: path,
          headers: { 'content-type': 'application/json', authorization: admin.bearer },
          payload: body.payload,
        });
        const ok = response.statusCode >= 400 && response.statusCode < 500 && String(response.headers['content-type']).startsWith('application/problem+json');
        if (!ok) failures.push(`${describeOperation(operation)} ${body.kind} → ${response.statusCode} ${response.body.slice(0, 200)}`);
        return ok;
      }), { numRuns: RUNS_PER_ROUTE, endOnFailure: true }).catch(() => undefined);
    }
    expect(failures).toEqual([]);

    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect(await snapshotRows(target.platform!)).toEqual(before);
  }, 300_000);
});
