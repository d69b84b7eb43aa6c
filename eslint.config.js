// @ts-check
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';

const services = readdirSync(new URL('./services', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// Services own their code: one service never imports another (ARCHITECTURE.md §2).
// Only the composition root (apps/cli) may know every service.
const serviceBoundaries = services.map((name) => ({
  files: [`services/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        {
          group: services.filter((other) => other !== name).map((other) => `@versaai/service-${other}`),
          message: 'A service must not import another service; talk through events or HTTP.',
        },
        {
          group: services.filter((other) => other !== name).flatMap((other) => [`**/services/${other}/**`, `**/${other}/src/**`]),
          message: 'A service must not import another service; talk through events or HTTP.',
        },
      ],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/dist/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['@versaai/service-*', '**/services/**'], message: 'Shared packages must not depend on services.' }],
      }],
    },
  },
  ...serviceBoundaries,
  {
    files: ['apps/cli/**/*.ts', 'bench/**/*.ts', '**/test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  // The web app: browser code, Vue single-file components with TypeScript.
  ...pluginVue.configs['flat/essential'],
  {
    files: ['apps/web/src/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser } },
    rules: {
      // Answers and messages are untrusted text: HTML only through a sanitiser, never v-html.
      'vue/no-v-html': 'error',
      'vue/multi-word-component-names': 'off',
    },
  },
);
