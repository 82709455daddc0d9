/**
 * Which build of the kernels the wasm backend runs: relaxed SIMD (fused multiply-add) by default where
 * the engine has it — on Node 20–21 the backend turns V8's flag on — and the portable build on request.
 * Both are run by the conformance suite ('wasm' and 'wasm:split'); here, that the choice is made as
 * documented, is printed, and that the two agree on a product to float32 rounding.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { simdSupport } from '../src/backends/wasm/module.js';
import { type Backend, setBackend, setLogger, tensor, tidy } from '../src/index.js';

setLogger(() => {});
afterAll(() => setBackend('reference'));

describe('wasm builds', () => {
  it('runs relaxed SIMD by default in Node (turning the flag on where it is one) and says so', async () => {
    const b = await setBackend('wasm', { threads: 1 });
    expect(simdSupport().relaxed).toBe(true);
    expect(b.description).toBe('wasm (relaxed SIMD, 1 thread)');
  });

  it('runs the portable build with relaxedSimd: false, to float32 rounding of the relaxed one', async () => {
    const portable = await setBackend('wasm', { threads: 1, relaxedSimd: false });
    expect(portable.description).toBe('wasm (SIMD, 1 thread)');
    const relaxed = await setBackend('wasm', { threads: 1 });
    const product = (b: Backend) =>
      tidy(() => {
        const a = tensor(values(300 * 200), [300, 200], 'float32', { backend: b });
        const w = tensor(values(200 * 100, 7), [200, 100], 'float32', { backend: b });
        return Array.from(a.matmul(w).dataSync());
      });
    const p = product(portable);
    const r = product(relaxed);
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - r[i]) / (1 + Math.abs(p[i])));
    expect(worst).toBeGreaterThan(0); // different builds really ran: fused and unfused round differently
    expect(worst).toBeLessThan(1e-5);
  });

  it('refuses a relaxedSimd that is not a boolean, and a SETR_WASM_RELAXED that is not 0 or 1', async () => {
    await expect(setBackend('wasm', { relaxedSimd: 'yes' })).rejects.toThrow('wasm backend: relaxedSimd must be true or false, got yes');
    process.env.SETR_WASM_RELAXED = 'no';
    try {
      await expect(setBackend('wasm', { threads: 3 })).rejects.toThrow("wasm backend: SETR_WASM_RELAXED must be 0 or 1, got 'no'");
    } finally {
      delete process.env.SETR_WASM_RELAXED;
    }
  });
});

/** Deterministic values in [−1, 1). */
function values(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 1073741824 - 1;
  }
  return out;
}
