import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// The gateway serves the API, the sign-in redirects, SCIM and health checks; in dev the SPA
// reaches them through this proxy so the session cookie stays same-origin.
const GATEWAY = 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    // scripts/bundle-budget.mjs reads the manifest to tell the initial chunks from the lazy ones.
    manifest: true,
  },
  server: {
    proxy: { '/api': GATEWAY, '/auth': GATEWAY, '/scim': GATEWAY, '/healthz': GATEWAY },
  },
  test: {
    environment: 'happy-dom',
    // Component tests load real Naive UI chunks; under `pnpm test` every package's suite runs at once.
    testTimeout: 20_000,
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
  },
});
