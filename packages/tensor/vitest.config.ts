import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // Dawn's OpenGL ES backend (gpu.js webgpu mode on Mesa llvmpipe) needs no display with this
    env: { EGL_PLATFORM: 'surfaceless' },
  },
});
