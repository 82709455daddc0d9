import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one browser session runs the tests in order; gpu.js on SwiftShader compiles its shaders slowly
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // one browser test at a time: each keeps the cores busy (the demo's kernels, the training page's run)
    fileParallelism: false,
  },
});
