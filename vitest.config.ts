import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql@16 ships CJS (`main`) and ESM (`module`). Node, and so every dependency vitest
    // leaves external (Pothos, yoga), loads the CJS build; vite would give our own files the ESM
    // one, and two graphql instances cannot share a schema. One instance: the CJS build.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2 cores: two files at a time keeps the timing-sensitive rate tests honest
    maxWorkers: 2,
    pool: 'forks',
  },
});
