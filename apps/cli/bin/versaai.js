#!/usr/bin/env node
// The CLI is TypeScript run by tsx (no build step): register the loader, then load the program.
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
