/**
 * One epoch of training steps. A step is one `tidy`: the forward pass in training mode, the loss
 * (cross-entropy on the decoder plus each auxiliary head's, weighted), backward; then an optimizer step
 * and a scheduler step. The epoch ends after the loader's batches, or early after the step that passes
 * the deadline or during which the abort signal came.
 *
 *   for batch: images [B, 3, h, w], labels [B, h, w] → loss → ∂loss/∂θ → θ ← optimizer(θ), lr ← scheduler
 */
import { tidy } from '@setr-ts/autograd';
import { setrLoss } from '../loss.js';
import type { TrainingRun } from './run.js';

/** What {@link TrainLoopOptions.onStep} receives after each optimizer step, for progress output. */
export interface StepProgress {
  /** 0-based epoch and its step, the steps per epoch, the epochs of the schedule, the steps taken. */
  readonly epoch: number;
  /** Steps done in this epoch, counting this one: 1 to `batches`. */
  readonly batch: number;
  /** Steps per epoch. */
  readonly batches: number;
  /** Epochs of the schedule. */
  readonly epochs: number;
  /** Optimizer steps taken so far in the whole run. */
  readonly step: number;
  /** This step's total loss (main + weighted auxiliary). */
  readonly loss: number;
  /** The encoder's learning rate after this step's scheduler update, i.e. the next step's. */
  readonly lr: number;
  /** Training images per second over this epoch so far. */
  readonly imagesPerSecond: number;
}

/** When {@link trainEpoch} stops early, and whom it tells about each step. */
export interface EpochOptions {
  /** `performance.now()` after which the epoch ends with the current step (default: never). */
  readonly deadline?: number;
  /** Called after every step; the epoch waits for a promise it returns. */
  readonly onStep?: (p: StepProgress) => void | Promise<void>;
  /** Ends the epoch after the step in progress when aborted. */
  readonly signal?: AbortSignal;
}

/** What an epoch's steps did. */
export interface EpochSteps {
  /** Every step's total loss, in order. */
  readonly losses: number[];
  /** Mean total loss (main + weighted auxiliary) over the steps. */
  readonly loss: number;
  /** Mean loss of the decoder alone. */
  readonly mainLoss: number;
  /** Steps taken: the loader's batches per epoch unless the deadline came first. */
  readonly done: number;
  /** True when all the epoch's batches were stepped (the run's epoch count then went up by one). */
  readonly complete: boolean;
  /** True when the deadline came before the end of the schedule. */
  readonly stoppedEarly: boolean;
  /** Seconds of the steps, of which waiting for the loader. */
  readonly trainSeconds: number;
  /** Seconds of `trainSeconds` spent waiting for the loader. */
  readonly dataWaitSeconds: number;
  /** Training images per second over the steps. */
  readonly imagesPerSecond: number;
}

/**
 * Trains `run` on one epoch of the loader's batches, advancing its step count and, when the epoch
 * completes, its epoch count.
 * @example const steps = await trainEpoch(run, { onStep: (p) => console.log(p.step, p.loss) });
 */
export async function trainEpoch(run: TrainingRun, opts: EpochOptions = {}): Promise<EpochSteps> {
  const { model, config, loader, optimizer, scheduler, classWeights: weights } = run;
  const { deadline = Number.POSITIVE_INFINITY } = opts;
  const batches = loader.batchesPerEpoch;
  model.train();
  const epochStart = performance.now();
  const losses: number[] = [];
  let lossSum = 0;
  let mainSum = 0;
  let waited = 0;
  let stoppedEarly = false;
  for (let b = 0; b < batches; b++) {
    const w0 = performance.now();
    const { images, labels } = await loader.next();
    waited += performance.now() - w0;
    const kept = tidy(() => {
      const out = model.forward(images);
      const l = setrLoss(out, labels, { auxWeights: config.auxHeads.map((a) => a.lossWeight), classWeights: weights });
      l.loss.backward();
      return [l.loss.data, l.main.data]; // read back below, asynchronously: a WebGPU backend has no synchronous read
    });
    const [loss, main] = [(await kept[0].data())[0], (await kept[1].data())[0]];
    for (const t of kept) t.dispose();
    optimizer.step();
    optimizer.zeroGrad();
    scheduler.step();
    images.dispose();
    labels.dispose();
    run.step++;
    if (!Number.isFinite(loss))
      throw new Error(`train: the loss became ${loss} at step ${run.step} (epoch ${run.epoch + 1}); try a lower train.lr`);
    losses.push(loss);
    lossSum += loss;
    mainSum += main;
    const elapsed = (performance.now() - epochStart) / 1000;
    await opts.onStep?.({
      epoch: run.epoch,
      batch: b + 1,
      batches,
      epochs: run.epochs,
      step: run.step,
      loss,
      lr: scheduler.lrs[0],
      imagesPerSecond: (losses.length * config.train.batchSize) / elapsed,
    });
    if (opts.signal?.aborted) break;
    if (performance.now() > deadline) {
      stoppedEarly = b + 1 < batches || run.epoch + 1 < run.epochs;
      break;
    }
  }
  const trainSeconds = (performance.now() - epochStart) / 1000;
  const done = losses.length;
  const complete = done === batches;
  if (complete) run.epoch++;
  return {
    losses,
    loss: lossSum / done,
    mainLoss: mainSum / done,
    done,
    complete,
    stoppedEarly,
    trainSeconds,
    dataWaitSeconds: waited / 1000,
    imagesPerSecond: (done * config.train.batchSize) / trainSeconds,
  };
}
