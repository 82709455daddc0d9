import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`../${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  // tests run against the sibling packages' sources, so a stale dist/ can never hide a change
  resolve: { alias: { '@setr-ts/tensor': src('tensor'), '@setr-ts/autograd': src('autograd'), '@setr-ts/nn': src('nn') } },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // Dawn's OpenGL ES backend (gpu.js webgpu mode on Mesa llvmpipe) needs no display with this
    env: { EGL_PLATFORM: 'surfaceless' },
  },
});
