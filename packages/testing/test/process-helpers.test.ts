import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnNode, tempDataDir, waitFor } from '../src/index.ts';

describe('tempDataDir', () => {
  it('creates a writable directory and removes it with its contents', async () => {
    const data = await tempDataDir();
    await writeFile(join(data.dir, 'file.txt'), 'x');
    expect(existsSync(join(data.dir, 'file.txt'))).toBe(true);
    await data.remove();
    expect(existsSync(data.dir)).toBe(false);
  });
});

describe('spawnNode', () => {
  it('runs a TypeScript script from the repository root with the given env and args', async () => {
    const data = await tempDataDir();
    try {
      const script = join(data.dir, 'echo.ts');
      await writeFile(script, "const n: number = 2;\nprocess.stdout.write(JSON.stringify({ cwd: process.cwd(), v: process.env.PROBE_VALUE, args: process.argv.slice(2), n }));\n");
      const child = spawnNode(script, ['a', 'b'], { PROBE_VALUE: 'hello' });
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      const parsed = JSON.parse(out);
      expect(parsed).toMatchObject({ v: 'hello', args: ['a', 'b'], n: 2 });
      expect(existsSync(join(parsed.cwd, 'package.json'))).toBe(true);
      expect(existsSync(join(parsed.cwd, 'packages', 'testing'))).toBe(true);
    } finally {
      await data.remove();
    }
  });
});

describe('waitFor', () => {
  it('resolves with the first defined value, retrying through errors', async () => {
    let calls = 0;
    const value = await waitFor(async () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return calls < 3 ? undefined : `done after ${calls}`;
    }, { intervalMs: 1 });
    expect(value).toBe('done after 3');
  });

  it('rejects after the timeout, reporting the last error', async () => {
    await expect(waitFor(async () => {
      throw new Error('still broken');
    }, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(/not met within 30 ms: last error: still broken/);
  });
});
