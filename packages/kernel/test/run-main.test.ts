import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXIT_CONFIG, envPort, parseConfig, runMain } from '../src/index.ts';

function harness() {
  const exits: number[] = [];
  const lines: string[] = [];
  return { exits, lines, opts: { exit: (code: number) => exits.push(code), writeError: (line: string) => lines.push(line) } };
}

describe('runMain', () => {
  it('turns a ConfigError into its one-line message and exit code 78', async () => {
    const { exits, lines, opts } = harness();
    await runMain(async () => { parseConfig(z.object({ PORT: envPort() }), { PORT: 'abc' }); }, opts);
    expect(exits).toEqual([EXIT_CONFIG]);
    expect(lines).toEqual(['Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")']);
  });

  it('exits 1 on other failures without printing URL passwords', async () => {
    const { exits, lines, opts } = harness();
    await runMain(async () => { throw new Error('cannot reach postgres://app:s3cr3t@db:5432/app'); }, opts);
    expect(exits).toEqual([1]);
    expect(lines[0]).toContain('postgres://app:***@db:5432/app');
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  it('does not exit when main succeeds', async () => {
    const { exits, lines, opts } = harness();
    await runMain(async () => {}, opts);
    expect(exits).toEqual([]);
    expect(lines).toEqual([]);
  });
});
