import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one browser runs the chapters in order; the site is built first
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
