import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('lint: services own their code', () => {
  it('forbids a service importing another service by package name or by path', async () => {
    expect(await lintAs('services/users/src/probe.ts', "import { credentials } from '@versaai/service-auth';\nexport const x = credentials;\n"))
      .toEqual([expect.stringContaining('must not import another service')]);
    expect(await lintAs('services/users/src/probe.ts', "import { credentials } from '../../auth/src/index.ts';\nexport const x = credentials;\n"))
      .toEqual([expect.stringContaining('must not import another service')]);
  });

  it('forbids a shared package importing a service', async () => {
    expect(await lintAs('packages/events/src/probe.ts', "import { gateway } from '@versaai/service-gateway';\nexport const x = gateway;\n"))
      .toEqual([expect.stringContaining('must not depend on services')]);
  });

  it('allows a service its own code and the shared packages, and the composition root every service', async () => {
    expect(await lintAs('services/users/src/probe.ts', "import { problem } from '@versaai/kernel';\nimport { x } from './x.ts';\nexport const y = [problem, x];\n")).toEqual([]);
    expect(await lintAs('apps/cli/src/probe.ts', "import { auth } from '@versaai/service-auth';\nexport const y = auth;\n")).toEqual([]);
  });
});
