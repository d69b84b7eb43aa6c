import { describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { requireService, spawnNode } from '../src/index.ts';

const probeScript = 'packages/testing/test/fixtures/probe-services.ts';
// Port 1 on loopback refuses connections at once: a reliably unreachable service.
const unreachable = { TEST_DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/test', TEST_REDIS_URL: 'redis://127.0.0.1:1' };

async function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

describe('requireService', () => {
  it('reports PostgreSQL and Redis on this machine as reachable', async () => {
    expect(await requireService('postgres')).toBe(true);
    expect(await requireService('redis')).toBe(true);
  });

  it.each(['postgres', 'redis'])('outside CI, skips an unreachable %s with one notice on stderr', async (service) => {
    const result = await finished(spawnNode(probeScript, [service], { ...unreachable, CI: '' }));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ first: false, second: false });
    const notices = result.stderr.split('\n').filter((line) => line.startsWith('SKIPPED:'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`needs ${service} at`);
    expect(notices[0]).toContain('127.0.0.1:1');
    expect(result.stderr).not.toContain('hunter2');
  });

  it.each(['postgres', 'redis'])('in CI, fails on an unreachable %s naming the service and URL', async (service) => {
    const result = await finished(spawnNode(probeScript, [service], { ...unreachable, CI: 'true' }));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${service} is not reachable at`);
    expect(result.stderr).toContain('127.0.0.1:1');
    expect(result.stderr).not.toContain('SKIPPED');
  });
});
