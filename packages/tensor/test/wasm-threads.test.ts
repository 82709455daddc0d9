/**
 * The wasm backend's thread pool: results are bit-identical whatever the number of threads (each
 * output element is computed by the same instructions in the same order, whichever thread runs it),
 * the workers really take part, and idle workers never keep a process alive.
 *
 * The threaded backends here split every job (minParallelMicros: 0), so even these small cases are
 * cut into pieces; 3 threads cut them differently from 2.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  cat,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  findBackend,
  interpolate,
  interpolateBackward,
  layerNorm,
  manualSeed,
  pad,
  randn,
  setBackend,
  setLogger,
  type Tensor,
  tidy,
  toBackend,
  type WasmBackend,
  where,
} from '../src/index.js';

let one: WasmBackend;
let two: WasmBackend;
let three: WasmBackend;
let reference: Backend;

beforeAll(async () => {
  setLogger(() => {});
  reference = findBackend('reference');
  one = (await setBackend('wasm', { threads: 1 })) as WasmBackend;
  two = (await setBackend('wasm', { threads: 2, minParallelMicros: 0 })) as WasmBackend;
  three = (await setBackend('wasm', { threads: 3, minParallelMicros: 0 })) as WasmBackend;
  await two.whenReady();
  await three.whenReady();
});

/** The raw bits of a result, so that −0, NaN payloads and every last bit count. */
function bits(t: Tensor): Uint32Array {
  const v = t.dataSync();
  return new Uint32Array(v.buffer, v.byteOffset, v.length);
}

/** `f` on the same inputs on 1, 2 and 3 threads: the results must be equal bit for bit. */
function identical(f: (...xs: Tensor[]) => Tensor, shapes: readonly (readonly number[])[], seed: number): void {
  manualSeed(seed);
  const made = shapes.map((s) => randn(s, { backend: reference }));
  const results = [one, two, three].map((b) => {
    const xs = made.map((x) => toBackend(x, b));
    const out = tidy(() => f(...xs));
    const r = bits(out);
    for (const t of [out, ...xs]) t.dispose();
    return r;
  });
  for (const t of made) t.dispose();
  expect(results[0].length).toBeGreaterThan(0);
  expect(Buffer.from(results[1].buffer).equals(Buffer.from(results[0].buffer)), '2 threads differ from 1').toBe(true);
  expect(Buffer.from(results[2].buffer).equals(Buffer.from(results[0].buffer)), '3 threads differ from 1').toBe(true);
}

describe('wasm backend on 1, 2 and 3 threads', () => {
  it('starts its workers', () => {
    expect(one.threads).toBe(1);
    expect(two.stats().readyWorkers).toBe(1);
    expect(three.stats().readyWorkers).toBe(2);
  });

  it('matmul: plain, transposed (dX = dY·Wᵀ, dW = Xᵀ·dY), batched attention scores', () => {
    identical(
      (a, b) => a.matmul(b),
      [
        [193, 67],
        [67, 301],
      ],
      1,
    );
    identical(
      (dy, w) => dy.matmul(w.T),
      [
        [211, 96],
        [40, 96],
      ],
      2,
    );
    identical(
      (x, dy) => x.T.matmul(dy),
      [
        [301, 40],
        [301, 96],
      ],
      3,
    );
    identical(
      (q, k) => q.matmul(k.transpose(-2, -1)),
      [
        [6, 97, 32],
        [6, 97, 32],
      ],
      4,
    );
  });

  it('conv2d forward, input gradient and weight gradient', () => {
    const opts = { padding: 1, stride: [1, 2] as [number, number] };
    identical((x, w, b) => conv2d(x, w, b, opts), [[3, 8, 19, 21], [12, 8, 3, 3], [12]], 5);
    identical(
      (dy, w) => conv2dBackwardInput(dy, w, [3, 8, 19, 21], opts),
      [
        [3, 12, 19, 11],
        [12, 8, 3, 3],
      ],
      6,
    );
    identical(
      (x, dy) => conv2dBackwardWeight(x, dy, [12, 8, 3, 3], opts),
      [
        [3, 8, 19, 21],
        [3, 12, 19, 11],
      ],
      7,
    );
  });

  it('elementwise ops whose vector code has branches and tails (5003 elements), on strided and broadcast views', () => {
    for (const f of [
      (x: Tensor) => x.mul(3).gelu(),
      (x: Tensor) => x.mul(4).tanh(),
      (x: Tensor) => x.mul(9).erf(),
      (x: Tensor) => x.exp(),
    ]) {
      identical(f, [[5003]], 8);
    }
    identical(
      (x, y) => x.T.add(y),
      [
        [71, 53],
        [1, 71],
      ],
      9,
    );
    identical(
      (c, a, b) => where(c.gt(0), a.T, b),
      [
        [90, 1],
        [45, 90],
        [1, 45],
      ],
      10,
    );
  });

  it('rows: sum, max, argmax, softmax, logSoftmax, layerNorm', () => {
    identical((x) => x.sum(1), [[37, 1001]], 11);
    identical((x) => x.max(0), [[1001, 37]], 12);
    identical((x) => x.argmax(1).float(), [[37, 1001]], 13);
    identical((x) => x.softmax(1), [[91, 203]], 14);
    identical((x) => x.logSoftmax(0), [[203, 91]], 15);
    identical((x, w, b) => layerNorm(x, [203], w, b), [[91, 203], [203], [203]], 16);
  });

  it('layout and resampling: contiguous of a permutation, cast, pad, cat, bilinear resize and its adjoint', () => {
    identical((x) => x.permute(2, 0, 1).contiguous(), [[13, 17, 19]], 17);
    identical((x) => x.mul(50).int().float(), [[4099]], 18);
    identical((x) => pad(x, [2, 1, 0, 3]), [[63, 65]], 19);
    identical(
      (x, y) => cat([x, y.T], 1),
      [
        [40, 33],
        [21, 40],
      ],
      20,
    );
    identical((x) => interpolate(x, { size: [37, 29], mode: 'bilinear' }), [[2, 5, 17, 13]], 21);
    identical((dy) => interpolateBackward(dy, [2, 5, 17, 13], { size: [37, 29], mode: 'bilinear' }), [[2, 5, 37, 29]], 22);
  });

  it('the workers ran tasks (so the cases above really were split)', () => {
    expect(two.stats().workerTasks).toBeGreaterThan(0);
    expect(three.stats().workerTasks).toBeGreaterThan(0);
  });
});

describe('wasm worker lifetime', () => {
  it('idle workers do not keep the process alive', () => {
    const index = new URL('../src/index.ts', import.meta.url).href;
    const script = `
      import { randn, setBackend, setLogger } from ${JSON.stringify(index)};
      setLogger(() => {});
      const b = await setBackend('wasm', { threads: 2, minParallelMicros: 0 });
      await b.whenReady();
      randn([400, 400]).matmul(randn([400, 400])).dataSync();
      console.log('done, workers alive:', b.stats().readyWorkers);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('done, workers alive: 1');
    expect(child.status).toBe(0); // a process kept alive would have been killed by the timeout (status null)
  });
});
