import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one browser runs the chapters in order; the site is built first. One file at a time: the
    // tutorials' programs in Node and the site's build and browser would otherwise share the cores
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
