/**
 * A small convolutional segmenter trained end to end with @setr-ts/nn: every pixel of a synthetic
 * image is classified as background, square or disc. It shows the pieces a SETR training run uses —
 * modules with PyTorch state-dict names, crossEntropy with an ignore index, AdamW with a warmup + poly
 * schedule, tidy per step, mIoU-style evaluation and a safetensors checkpoint — at a size that trains
 * in seconds on a laptop CPU.
 *
 *   npx tsx examples/train-tiny-segmenter.ts          # SETR_SMOKE=1 for a 5-step run
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tidy, type Variable, variable } from '@setr-ts/autograd';
import { AdamW, BatchNorm2d, Conv2d, F, LrScheduler, linearWarmup, Module, poly, ReLU, Sequential } from '@setr-ts/nn';
import * as T from '@setr-ts/tensor';

const H = 16;
const W = 16;
const CLASSES = 3;

/** A batch of noisy images with one square and one disc each, and their per-pixel labels. */
function makeBatch(n: number, rand: () => number): { images: T.Tensor; labels: T.Tensor } {
  const img = new Float32Array(n * 3 * H * W);
  const lab = new Int32Array(n * H * W);
  for (let i = 0; i < n; i++) {
    const [sy, sx, dy, dx] = [2 + rand() * 5, 2 + rand() * 5, 9 + rand() * 4, 9 + rand() * 4].map(Math.floor);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inSquare = y >= sy && y < sy + 4 && x >= sx && x < sx + 4;
        const inDisc = (y - dy) ** 2 + (x - dx) ** 2 <= 6;
        const label = inSquare ? 1 : inDisc ? 2 : 0;
        lab[(i * H + y) * W + x] = label;
        for (let c = 0; c < 3; c++) img[((i * 3 + c) * H + y) * W + x] = (label === c ? 1 : 0) * 0.8 + (rand() - 0.5) * 0.6;
      }
    }
  }
  return { images: T.tensor(img, [n, 3, H, W]), labels: T.tensor(lab, [n, H, W]) };
}

class TinySegmenter extends Module {
  readonly body: Sequential;
  readonly head: Conv2d;
  constructor(classes: number) {
    super();
    const block = (cin: number, cout: number) => [new Conv2d(cin, cout, 3, { padding: 1, bias: false }), new BatchNorm2d(cout), new ReLU()];
    this.body = this.registerModule('body', new Sequential(...block(3, 16), ...block(16, 16)));
    this.head = this.registerModule('head', new Conv2d(16, classes, 1));
  }
  forward(x: Variable): Variable {
    return this.head.forward(this.body.forward(x));
  }
}

/** Intersection over union per class, averaged (the metric SETR reports on segmentation benchmarks). */
function meanIoU(pred: Int32Array, label: Int32Array, classes: number): number {
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    let inter = 0;
    let union = 0;
    for (let i = 0; i < pred.length; i++) {
      const p = pred[i] === c;
      const l = label[i] === c;
      if (p && l) inter++;
      if (p || l) union++;
    }
    sum += union === 0 ? 1 : inter / union;
  }
  return sum / classes;
}

T.manualSeed(0);
let seed = 1;
/** A tiny linear congruential generator for the synthetic data (tensor randomness uses manualSeed). */
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const steps = process.env.SETR_SMOKE ? 5 : 150;
const model = new TinySegmenter(CLASSES);
console.log(`model: ${model.numParameters()} parameters; state dict keys ${Object.keys(model.stateDict()).slice(0, 4).join(', ')}, ...`);
const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 1e-4 });
const sched = new LrScheduler(opt, linearWarmup(poly({ maxIters: steps, power: 0.9 }), { iters: Math.ceil(steps / 10) }));

for (let step = 0; step < steps; step++) {
  const { images, labels } = makeBatch(8, rand);
  const loss = tidy(() => {
    const l = F.crossEntropy(model.forward(variable(images)), labels, { ignoreIndex: 255 });
    l.backward();
    opt.step();
    opt.zeroGrad();
    return l.item();
  });
  sched.step();
  images.dispose();
  labels.dispose();
  if (step % Math.max(1, Math.floor(steps / 5)) === 0 || step === steps - 1) console.log(`step ${step}: loss ${loss.toFixed(4)}`);
}

model.eval();
const val = makeBatch(16, rand);
const pred = tidy(() => model.forward(variable(val.images)).data.argmax(1));
console.log(`validation mIoU: ${(100 * meanIoU(pred.dataSync() as Int32Array, val.labels.dataSync() as Int32Array, CLASSES)).toFixed(1)}%`);

const path = join(mkdtempSync(join(tmpdir(), 'setr-')), 'tiny-segmenter.safetensors');
await model.save(path);
console.log(`checkpoint written: ${path}`);
