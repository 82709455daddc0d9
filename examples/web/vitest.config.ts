import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one browser session runs the tests in order; gpu.js on SwiftShader compiles its shaders slowly
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
