/**
 * A benchmark's training step: a SETR, its AdamW and a fixed synthetic batch, stepped as training
 * does — forward in training mode, SETR's loss (decoder + each auxiliary head × its loss weight, 255
 * ignored), backward, an AdamW step (the config's lr and weight decay) and the gradients dropped.
 * `setr bench` and `bench/step.ts` (the side-by-side benchmark against PyTorch) time it;
 * `bench/torch_peer.py` builds the same labels.
 *
 *   images [B, 3, H, W] ~ N(0, 1)   labels int32 [B, H, W] (see benchLabel)
 *   → forward (train) → loss → backward → AdamW → zeroGrad        one step
 */
import { tidy } from '@setr-ts/autograd';
import { AdamW } from '@setr-ts/nn';
import { type Backend, manualSeed, randn, type Tensor, tensor } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import { setrLoss } from '../loss.js';
import { Setr } from '../model/segmentor.js';

/**
 * The synthetic label map of image `b`, pixel (y, x): classes in 16×16 blocks, and 255 ("void") on the
 * bottom twelfth of the rows (as the padding of a crop) and on every 23rd pixel of a diagonal pattern,
 * about 12 % in all. bench/torch_peer.py computes the same formula.
 */
export function benchLabel(b: number, y: number, x: number, h: number, k: number): number {
  if (y >= h - Math.floor(h / 12) || (7 * x + 13 * y + b) % 23 === 0) return 255;
  return ((y >> 4) * 3 + (x >> 4) + b) % k;
}

/** The labels int32 [B, H, W] of {@link benchLabel}. */
export function benchLabels(batch: number, [h, w]: readonly [number, number], k: number, backend?: Backend): Tensor {
  const values = new Int32Array(batch * h * w);
  for (let b = 0, i = 0; b < batch; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++, i++) values[i] = benchLabel(b, y, x, h, k);
  return tensor(values, [batch, h, w], 'int32', { backend });
}

/** What {@link TrainingStep.step} reports to its probe: after forward and loss, and after backward (inside the step's tidy). */
export type StepPoint = 'forward' | 'backward';

/** A model, its AdamW and a fixed batch, ready to take training steps. */
export class TrainingStep {
  readonly model: Setr;
  readonly optimizer: AdamW;
  readonly images: Tensor;
  readonly labels: Tensor;

  constructor(
    readonly config: SetrConfig,
    readonly batch: number,
    seed = 0,
  ) {
    manualSeed(seed);
    this.model = new Setr(config).train();
    this.optimizer = new AdamW(this.model.parameters(), { lr: config.train.lr, weightDecay: config.train.weightDecay });
    this.images = randn([batch, 3, ...config.imgSize]);
    this.labels = benchLabels(batch, config.imgSize, config.numClasses);
  }

  /**
   * One step, synchronously: forward, loss, backward (one tidy), the optimizer's step, gradients
   * dropped. Returns the loss tensor (the caller disposes it). On an asynchronous backend the work
   * may still be running: await {@link settle}.
   */
  step(probe?: (point: StepPoint) => void): Tensor {
    const loss = tidy(() => {
      const out = this.model.forward(this.images);
      const l = setrLoss(out, this.labels, { auxWeights: this.config.auxHeads.map((a) => a.lossWeight) });
      probe?.('forward');
      l.loss.backward();
      probe?.('backward');
      return l.loss.data;
    });
    this.optimizer.step();
    this.optimizer.zeroGrad();
    return loss;
  }

  /**
   * Waits until a step's work is done (reading its loss and the last parameter the optimizer wrote:
   * backends run kernels in order) and returns the loss, disposing it.
   */
  async settle(loss: Tensor): Promise<number> {
    const [value] = await loss.data();
    loss.dispose();
    await this.model.parameters().at(-1)?.data.data();
    return value;
  }

  /** One step, finished: its loss. */
  async run(): Promise<number> {
    return this.settle(this.step());
  }

  /** Frees the model, the optimizer's state and the batch. */
  dispose(): void {
    tidy(() => this.optimizer.loadStateDict({ state: {}, paramGroups: this.optimizer.stateDict().paramGroups }));
    this.model.dispose();
    this.images.dispose();
    this.labels.dispose();
  }
}

/** Milliseconds of each of `reps` runs of `fn`, after `warmup` untimed runs. */
export async function timeRuns(fn: () => Promise<unknown>, reps: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
