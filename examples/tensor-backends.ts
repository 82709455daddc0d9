/**
 * The same ops on every backend: reference (plain TypeScript loops), wasm (WebAssembly SIMD on worker
 * threads) and gpujs (gpu.js kernels; on a machine without a GPU, gpu.js's WebAssembly mode or a
 * software rasteriser — the backend's printed description says which). Each op runs on the same
 * seeded inputs everywhere, is compared with the reference, and is timed (best of a few calls).
 *
 *   npx tsx examples/tensor-backends.ts              # larger sizes
 *   SETR_SMOKE=1 npx tsx examples/tensor-backends.ts # small sizes (what the tests run)
 */
import * as T from '@setr-ts/tensor';

const smoke = Boolean(process.env.SETR_SMOKE);
const n = smoke ? 64 : 256; // matrix side
const img = smoke ? 16 : 32; // image side

/** The ops: each makes its seeded inputs and returns its output (inputs are freed by the caller's tidy). */
const OPS: Record<string, () => T.Tensor> = {
  [`matmul ${n}×${n}·${n}×${n}`]: () => T.matmul(T.randn([n, n]), T.randn([n, n])),
  'matmul through a transposed view': () => T.matmul(T.randn([n, n]), T.randn([n, n]).T),
  [`softmax [${n}, ${n}]`]: () => T.randn([n, n]).mul(3).softmax(-1),
  [`sum over dims [0, 2] of [8, ${n}, 16]`]: () => T.randn([8, n, 16]).sum([0, 2]),
  [`broadcast add [${n}, 1] + [${n}]`]: () => T.randn([n, 1]).add(T.randn([n])),
  [`conv2d 3×3 [2, 8, ${img}, ${img}] → 16 channels`]: () =>
    T.conv2d(T.randn([2, 8, img, img]), T.randn([16, 8, 3, 3]), null, { padding: 1 }),
  [`layerNorm [${n}, 64]`]: () => T.layerNorm(T.randn([n, 64]), [64], T.randn([64]), T.randn([64])),
};

/** The fastest of `reps` timed calls after one warm-up; reading the result back is part of the time. */
async function time(f: () => T.Tensor, reps: number): Promise<number> {
  const warm = T.tidy(f); // warm-up: compiles gpu.js kernels, starts wasm workers
  await warm.data();
  warm.dispose();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    T.manualSeed(0);
    const t0 = performance.now();
    const y = T.tidy(f);
    await y.data(); // on an asynchronous backend the work is done only when the result is read
    best = Math.min(best, performance.now() - t0);
    y.dispose();
  }
  return best;
}

const reference: Record<string, Float32Array> = {};
const rows: string[] = [];
let worst = 0;
for (const name of ['reference', 'wasm', 'gpujs']) {
  let description: string;
  try {
    description = (await T.setBackend(name)).description; // the engine also prints its choice
  } catch (e) {
    console.log(`${name}: not available here (${(e as Error).message})`);
    continue;
  }
  for (const [op, f] of Object.entries(OPS)) {
    T.manualSeed(0); // the same inputs on every backend: the generator runs on the host
    const y = T.tidy(f);
    const values = (await y.data()) as Float32Array;
    y.dispose();
    let diff = 0;
    if (name === 'reference') reference[op] = values;
    else {
      const ref = reference[op];
      const scale = Math.max(...Array.from(ref, Math.abs));
      for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(values[i] - ref[i]) / scale);
      worst = Math.max(worst, diff);
    }
    const ms = await time(f, smoke ? 1 : 3);
    rows.push(
      `${name.padEnd(10)} ${op.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms   ${name === 'reference' ? 'yardstick' : `max rel diff ${diff.toExponential(1)}`}`,
    );
  }
  rows.push(`${''.padEnd(10)} (${description})`);
}
console.log(rows.join('\n'));
console.log(`every backend agrees with the reference to 1e-5: ${worst < 1e-5} (worst ${worst.toExponential(1)})`);
console.log(`live tensors left: ${T.memory().numTensors}`);
