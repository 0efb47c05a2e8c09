/**
 * The dashboard's own build (`npm run build:web`): `web/` -> `dist/web`, served by the API at `/`
 * (and `/docs`). Kept apart from vitest.config.ts, which must not see these settings.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.SCOUT_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // one chunk per page is plenty; swagger-ui is big and only /docs loads it
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { main: `${root}index.html`, docs: `${root}docs.html` },
      // a slow 2-core machine is not news
      checks: { pluginTimings: false },
    },
  },
  // `npx vite --config web/vite.config.ts` during development: the API runs on :8080
  server: {
    proxy: Object.fromEntries(['/graphql', '/scan', '/api', '/openapi.json', '/healthz'].map((p) => [p, { target: api, changeOrigin: true }])),
  },
});
