import { defineProject } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// The web app's unit and component tests: a DOM (happy-dom) for this workspace only; the
// platform's suites stay on node. Listed as a project by the root vitest.config.ts.
export default defineProject({
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  test: {
    name: 'web',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
  },
});
