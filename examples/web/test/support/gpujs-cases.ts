/**
 * Runs in the page (bundled by `gpujs-webgl2.test.ts`): small training computations — scatterAdd, the
 * gradients of gather and of cross-entropy, and SETR-Tiny's gradients at a tiny size — on the
 * backend the test names, returning every result as plain numbers so that the test compares the
 * gpu.js WebGL2 run with the reference backend's.
 */
import { gather, parameter, sum, tidy } from '@setr-ts/autograd';
import { F } from '@setr-ts/nn';
import { preset, Setr, setrLoss } from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';

/** The backends a case runs on. */
export type CaseBackend = 'reference' | 'gpujs-webgl2';

/** Each case's outputs by name, as plain arrays. */
export type CaseResults = Record<string, number[]>;

/** `count` values of a fixed pattern in [−1, 1) (no RNG: the same on every backend). */
const wave = (count: number, phase = 0) => Array.from({ length: count }, (_, i) => Math.sin(1.7 * i + phase) * 0.9);

/** The values of `t`, read back. */
const values = async (t: T.Tensor) => Array.from(await t.data());

async function scatterAddCases(): Promise<CaseResults> {
  // rank 2 along dim 0 (repeated targets), rank 3 along dim 1 and along the last dim
  const i2 = T.tensor([0, 2, 1, 0, 2, 2], [3, 2], 'int32');
  const s2 = T.tensor(wave(6), [3, 2]);
  const i3 = T.tensor([1, 0, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3], [2, 3, 2], 'int32');
  const s3 = T.tensor(wave(12, 1), [2, 3, 2]);
  return {
    'scatterAdd dim 0': await values(T.scatterAdd([3, 2], 0, i2, s2)),
    'scatterAdd dim 1': await values(T.scatterAdd([2, 4, 2], 1, i3, s3)),
    'scatterAdd dim 2': await values(T.scatterAdd([2, 3, 4], 2, i3, s3)),
  };
}

async function gatherGradient(): Promise<CaseResults> {
  const x = parameter(T.tensor(wave(20), [4, 5]));
  const index = T.tensor([0, 4, 4, 1, 2, 2, 3, 0, 1, 4, 4, 4], [4, 3], 'int32');
  const weight = T.tensor(wave(12, 2), [4, 3]);
  sum(gather(x, 1, index).mul(weight)).backward();
  return { 'gather gradient': await values(x.grad as T.Tensor) };
}

async function crossEntropyGradient(): Promise<CaseResults> {
  // [N, K, H, W] logits, targets with the ignored 255, class weights: what SETR's loss computes
  const logits = parameter(
    T.tensor(
      wave(2 * 5 * 3 * 4, 3).map((v) => 3 * v),
      [2, 5, 3, 4],
    ),
  );
  const target = T.tensor(
    Array.from({ length: 24 }, (_, i) => (i % 7 === 3 ? 255 : (i * 3) % 5)),
    [2, 3, 4],
    'int32',
  );
  const weight = T.tensor([0.5, 1, 2, 1.5, 0.8], [5]);
  const loss = F.crossEntropy(logits, target, { ignoreIndex: 255, weight });
  loss.backward();
  return { 'cross-entropy loss': await values(loss.data), 'cross-entropy gradient': await values(logits.grad as T.Tensor) };
}

/**
 * SETR-Tiny-PUP's backward at 16×16 pixels (4 patches, batch 2): the loss (decoder and auxiliary
 * heads, class 255 ignored) and every parameter's gradient. (Not the parameters after an optimizer
 * step: AdamW's first step is ±lr wherever a gradient is non-zero, so float32 noise in a gradient
 * near 0 decides its sign.)
 */
async function setrGradients(): Promise<CaseResults> {
  const config = { ...preset('setr-tiny-pup'), imgSize: [16, 16] as [number, number] };
  T.manualSeed(0);
  const model = new Setr(config).train();
  const images = T.tensor(wave(2 * 3 * 16 * 16, 4), [2, 3, 16, 16]);
  const labels = T.tensor(
    Array.from({ length: 2 * 16 * 16 }, (_, i) => (i % 13 === 0 ? 255 : (i >> 3) % config.numClasses)),
    [2, 16, 16],
    'int32',
  );
  const loss = tidy(() => {
    const l = setrLoss(model.forward(images), labels, { auxWeights: config.auxHeads.map((a) => a.lossWeight) });
    l.loss.backward();
    return l.loss.data;
  });
  const out: CaseResults = { 'SETR-Tiny loss': await values(loss) };
  for (const [name, p] of model.namedParameters()) out[`SETR-Tiny gradient ${name}`] = await values(p.grad as T.Tensor);
  loss.dispose();
  model.dispose();
  return out;
}

/** Runs every case on `backend`, each case's temporaries freed. */
export async function runCases(backend: CaseBackend): Promise<CaseResults> {
  if (backend === 'reference') await T.setBackend('reference');
  else await T.setBackend('gpujs', { mode: 'webgl2' });
  const out: CaseResults = {};
  for (const c of [scatterAddCases, gatherGradient, crossEntropyGradient, setrGradients]) Object.assign(out, await c());
  return out;
}

(globalThis as { gpujsCases?: typeof runCases }).gpujsCases = runCases;
