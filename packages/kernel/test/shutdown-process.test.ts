import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture } from './support/child-process.ts';
import type { RunningChild } from './support/child-process.ts';

const started: RunningChild[] = [];
afterEach(() => {
  for (const { child } of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function launch(name: string, env: Record<string, string> = {}): RunningChild {
  const running = startFixture(name, env);
  started.push(running);
  return running;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function tryConnect(port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Polls until the listening socket is gone; bounded so a regression fails instead of hanging. */
async function waitUntilRefused(port: number): Promise<string> {
  let outcome = 'connected';
  for (let attempt = 0; attempt < 200 && outcome === 'connected'; attempt++) {
    outcome = await tryConnect(port);
    if (outcome === 'connected') await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return outcome;
}

function logEntries(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('graceful shutdown of a real process', () => {
  it('drains the in-flight request, refuses new connections, closes every step and exits 0', async () => {
    const fixture = launch('graceful-server.ts');
    const port = Number((await fixture.waitForLine(/^listening \d+/)).split(' ')[1]);

    const inFlight = get(port, '/slow');
    await fixture.waitForLine(/^slow-started$/);
    fixture.child.kill('SIGTERM');
    await fixture.waitForLine(/"step":"http".*shutdown step started/);

    expect(await waitUntilRefused(port)).toBe('ECONNREFUSED');
    expect(fixture.child.exitCode).toBeNull();

    fixture.child.kill('SIGUSR2');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ finished: true });
    expect(await fixture.exited).toBe(0);
    expect(fixture.stdout()).toContain('closed pool');
    expect(logEntries(fixture.stdout()).some((entry) => entry.msg === 'shutdown finished' && entry.failed === false)).toBe(true);
  });

  it('exits 1 and names the hung step when the deadline passes', async () => {
    const fixture = launch('hanging-step.ts', { DEADLINE_MS: '300' });
    await fixture.waitForLine(/^ready$/);
    fixture.child.kill('SIGTERM');

    expect(await fixture.exited).toBe(1);
    const deadlineEntry = logEntries(fixture.stdout()).find((entry) => entry.level === 'error');
    expect(deadlineEntry).toMatchObject({ step: 'stuck-consumer' });
    expect(String(deadlineEntry?.msg)).toContain('stuck-consumer');
  });

  it('exits 1 at once on a second signal while a step is still running', async () => {
    const fixture = launch('hanging-step.ts', { DEADLINE_MS: '600000' });
    await fixture.waitForLine(/^ready$/);
    fixture.child.kill('SIGTERM');
    await fixture.waitForLine(/"step":"stuck-consumer".*shutdown step started/);
    fixture.child.kill('SIGTERM');

    expect(await fixture.exited).toBe(1);
    expect(fixture.stdout()).toContain('second shutdown signal');
  });
});

describe('runMain with a bad configuration', () => {
  it('prints exactly one line naming the variable and exits 78', async () => {
    const fixture = launch('bad-config.ts', { PORT: 'abc' });
    expect(await fixture.exited).toBe(78);
    expect(fixture.stderr()).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")\n');
    expect(fixture.stdout()).toBe('');
  });

  it('starts normally when the configuration is valid', async () => {
    const fixture = launch('bad-config.ts', { PORT: '8080' });
    expect(await fixture.exited).toBe(0);
    expect(fixture.stdout()).toBe('port 8080\n');
  });
});
