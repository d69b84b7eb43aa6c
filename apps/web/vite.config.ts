import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { reportInitialSize } from './scripts/initial-size.ts';
import { precompress } from './scripts/precompress.ts';

// `npm run dev`: the platform runs on 8080 (npm start); the dev server proxies the API, the
// OpenAI-compatible /v1 and the chat WebSocket to it, so the app talks to one origin as in production.
const platform = process.env.VERSAAI_DEV_API ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [vue(), reportInitialSize(), precompress()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: platform, changeOrigin: false, ws: true },
      '/v1': { target: platform, changeOrigin: false },
    },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // The size check reads it to find the sign-in route's initial chunks.
    manifest: true,
    sourcemap: false,
    // Plugin timing warnings measure the load of the (shared) machine more than the build.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  define: {
    // No options-API-only code paths and no devtools hooks in the production bundle.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    // vue-i18n in composition mode only ($t through global injection, no <i18n-t> components).
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
});
