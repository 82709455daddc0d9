import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run against the tensor package's sources, so they never see a stale dist/ build.
  resolve: { alias: { '@setr-ts/tensor': fileURLToPath(new URL('../tensor/src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
