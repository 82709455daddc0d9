/**
 * What a backend achieves on this machine at its best, measured: the yardstick of the profiler's
 * GFLOP/s and GB/s columns. A large float32 matrix product gives the compute peak, a large
 * elementwise add (two arrays read, one written) the memory peak. Best of several runs, measured once
 * per backend and kept. It reads results synchronously, so it needs a backend that can (not gpu.js in
 * WebGPU mode).
 */

import type { Backend } from './backend.js';
import { randn } from './creation.js';
import { getBackend, tidy } from './engine.js';
import { add, matmul } from './ops/index.js';
import type { Peaks } from './profiler.js';
import type { Tensor } from './tensor.js';

const measured = new Map<Backend, Peaks>();

/** The backend's compute and memory peaks (measured on first call, about a second; then remembered). */
export function measurePeaks(backend: Backend = getBackend()): Peaks {
  const known = measured.get(backend);
  if (known) return known;
  const n = 512; // [512,512] @ [512,512]: 268 MFLOP, big enough for every thread, small enough for caches
  const len = 1 << 22; // 4 Mi floats (16 MiB) per array: well past the caches
  const peaks = tidy(() => {
    const a = randn([n, n], { backend });
    const x = randn([len], { backend });
    return {
      gflops: (2 * n ** 3) / 1e9 / bestSeconds(() => matmul(a, a)),
      gbps: (3 * len * 4) / 1e9 / bestSeconds(() => add(x, x)),
    };
  });
  measured.set(backend, peaks);
  return peaks;
}

/** The fastest of 7 runs of `fn` (after one warm-up), in seconds; one element of each result is read, so a lazy backend finishes. */
function bestSeconds(fn: () => Tensor): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    tidy(() => fn().reshape(-1).narrow(0, 0, 1).dataSync());
    if (i > 0) best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}
