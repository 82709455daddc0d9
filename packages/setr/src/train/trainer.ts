/**
 * Training SETR: the loop the CLI's `setr train` runs, usable on its own. One step is one `tidy`: the
 * forward pass in training mode, the loss (cross-entropy on the decoder plus 0.4 × each auxiliary
 * head's), backward, an optimizer step and a scheduler step. After every epoch: validation mIoU, a
 * checkpoint that resumes the run bit for bit, `metrics.json`, and the best model so far.
 *
 *   for epoch: for batch: images [B, 3, h, w], labels [B, h, w] → loss → ∂loss/∂θ → θ ← optimizer(θ)
 *              evaluate(val) → checkpoint, metrics.json, best.safetensors
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tidy, variable } from '@setr-ts/autograd';
import { getRngState, manualSeed, setRngState, type Tensor, tensor } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import type { SegmentationDataset } from '../data/dataset.js';
import { TrainLoader } from '../data/train-loader.js';
import { setrLoss } from '../loss.js';
import { Setr } from '../model/segmentor.js';
import { modelMetadata } from '../model-file.js';
import type { CurvesOptions } from '../report/curves.js';
import { type CheckpointState, loadCheckpointWeights, readCheckpoint, saveCheckpoint } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { bestOf, type EpochRecord, writeMetrics } from './history.js';
import { buildOptimization } from './optimizer.js';
import { type RunReportFiles, writeRunReport } from './report.js';

/** Options of {@link trainSetr}: the model, the data, the run folder, and how long and how to report. */
export interface TrainRunOptions {
  /** The model and recipe (ignored when resuming, where the checkpoint's config is used; giving another is an error). */
  config: SetrConfig;
  /** The training split; its class count must equal the config's `numClasses`. */
  train: SegmentationDataset;
  /** The validation split, evaluated after every epoch to pick `best.safetensors`. */
  val: SegmentationDataset;
  /** The run folder: checkpoints, metrics.json, best.safetensors. */
  out: string;
  /** Seeds the initialisation, the shuffles and the augmentation (default 0). */
  seed?: number;
  /** The schedule's length in epochs (default: the config's `train.epochs`). */
  epochs?: number;
  /** Stop after the step that crosses this many minutes of wall-clock time (the schedule stays as planned). */
  minutes?: number;
  /** Continue the run in `out` from its last checkpoint. */
  resume?: boolean;
  /** Per-class loss weights, used when the config's `train.classWeights` is true. */
  classWeights?: readonly number[];
  /** Called after every step. */
  onStep?: (p: StepProgress) => void;
  /** Called after every epoch's validation. */
  onEpoch?: (r: EpochRecord) => void;
  /** Options of the curves drawn at the end (a reference run to compare with); `false` draws nothing. */
  report?: CurvesOptions | false;
}

/** What {@link TrainRunOptions.onStep} receives after each optimizer step, for progress output. */
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

/** What {@link trainSetr} resolves to. */
export interface TrainRunResult {
  /** The model as trained at the end (the best epoch's weights are in `out/best.safetensors`); the caller disposes it. */
  readonly model: Setr;
  /** Every completed epoch's record, including those of earlier calls of a resumed run. */
  readonly history: EpochRecord[];
  /** The epoch with the highest validation mIoU; null when no epoch completed. */
  readonly best: {
    /** Its 1-based epoch number. */
    readonly epoch: number;
    /** Its validation mean IoU. */
    readonly valMeanIoU: number;
  } | null;
  /** Every step's total loss in this call, in order (what the resume test compares bit for bit). */
  readonly losses: number[];
  /** True when `minutes` ran out before the schedule's end. */
  readonly stoppedEarly: boolean;
  /** Wall-clock seconds of the whole run, earlier calls of a resumed run included. */
  readonly seconds: number;
  /** The curves and prediction pictures written at the end (null when `report: false`). */
  readonly report: RunReportFiles | null;
}

const sameConfig = (a: SetrConfig, b: SetrConfig) => JSON.stringify(a) === JSON.stringify(b);

function checkData(config: SetrConfig, train: SegmentationDataset, val: SegmentationDataset): void {
  for (const [name, d] of [
    ['training', train],
    ['validation', val],
  ] as const) {
    if (d.classNames.length !== config.numClasses)
      throw new Error(`train: the ${name} data has ${d.classNames.length} classes, the config's numClasses is ${config.numClasses}`);
  }
}

/**
 * Trains (or resumes) a run and returns the trained model with its history.
 * @example
 * const train = await loadCamVid('data/camvid/96x128', 'train');
 * const val = await loadCamVid('data/camvid/96x128', 'val');
 * const { history } = await trainSetr({ config: preset('setr-tiny-pup'), train, val, out: 'runs/pup' });
 */
export async function trainSetr(opts: TrainRunOptions): Promise<TrainRunResult> {
  const { train, val, out } = opts;
  mkdirSync(out, { recursive: true });
  const resumed: CheckpointState | null = opts.resume ? readCheckpoint(out) : null;
  if (resumed && !sameConfig(resumed.config, opts.config))
    throw new Error(
      `train: ${out} holds a run of another config (${resumed.config.decoder}, depth ${resumed.config.depth}, ...); resume it with its own`,
    );
  const config = resumed?.config ?? opts.config;
  const t = config.train;
  const seed = resumed?.seed ?? opts.seed ?? 0;
  const epochs = resumed?.epochs ?? opts.epochs ?? t.epochs;
  checkData(config, train, val);

  manualSeed(seed);
  const model = new Setr(config);
  const loader = new TrainLoader(train, {
    batchSize: t.batchSize,
    seed,
    augment: { cropSize: t.crop ?? config.imgSize, scaleRange: t.scaleRange, flipProb: t.flip ? 0.5 : 0, photometric: t.photometric },
  });
  const batches = loader.batchesPerEpoch;
  const { optimizer, scheduler } = buildOptimization(model, t, epochs * batches);
  let epoch = 0;
  let step = 0;
  let history: EpochRecord[] = [];
  let best: TrainRunResult['best'] = null;
  let seconds = 0;
  if (resumed) {
    await loadCheckpointWeights(out, resumed, model, optimizer);
    scheduler.loadStateDict(resumed.scheduler);
    loader.loadState(resumed.loader);
    setRngState(resumed.rng);
    ({ epoch, step, history } = resumed);
    best = bestOf(history);
    seconds = resumed.seconds;
  }
  if (t.classWeights && !opts.classWeights)
    throw new Error('train: the config asks for class weights (train.classWeights) but none were given');
  const weights: Tensor | null =
    t.classWeights && opts.classWeights ? tensor(Float32Array.from(opts.classWeights), [opts.classWeights.length], 'float32') : null;

  const started = performance.now();
  const deadline = opts.minutes === undefined ? Number.POSITIVE_INFINITY : started + opts.minutes * 60_000;
  const losses: number[] = [];
  let stoppedEarly = false;
  while (epoch < epochs && !stoppedEarly) {
    model.train();
    const epochStart = performance.now();
    let lossSum = 0;
    let mainSum = 0;
    let waited = 0;
    let done = 0;
    for (let b = 0; b < batches; b++) {
      const w0 = performance.now();
      const { images, labels } = await loader.next();
      waited += performance.now() - w0;
      const [loss, main] = tidy(() => {
        const out = model.forward(variable(images));
        const l = setrLoss(out, labels, { auxWeight: config.auxWeight, classWeights: weights });
        l.loss.backward();
        return [l.loss.item(), l.main.item()];
      });
      optimizer.step();
      optimizer.zeroGrad();
      scheduler.step();
      images.dispose();
      labels.dispose();
      step++;
      done++;
      if (!Number.isFinite(loss))
        throw new Error(`train: the loss became ${loss} at step ${step} (epoch ${epoch + 1}); try a lower train.lr`);
      losses.push(loss);
      lossSum += loss;
      mainSum += main;
      const elapsed = (performance.now() - epochStart) / 1000;
      opts.onStep?.({
        epoch,
        batch: b + 1,
        batches,
        epochs,
        step,
        loss,
        lr: scheduler.lrs[0],
        imagesPerSecond: (done * t.batchSize) / elapsed,
      });
      if (performance.now() > deadline) {
        stoppedEarly = b + 1 < batches || epoch + 1 < epochs;
        break;
      }
    }
    const trainSeconds = (performance.now() - epochStart) / 1000;
    const evalStart = performance.now();
    const { scores } = await evaluate(model, val, { batchSize: t.batchSize });
    const complete = done === batches;
    if (complete) epoch++;
    const record: EpochRecord = {
      epoch: complete ? epoch : epoch + done / batches,
      step,
      loss: lossSum / done,
      mainLoss: mainSum / done,
      lr: scheduler.lrs[0],
      valMeanIoU: scores.meanIoU,
      valIoU: scores.iou.map((v) => (Number.isNaN(v) ? null : v)),
      valPixelAccuracy: scores.pixelAccuracy,
      valMeanClassAccuracy: scores.meanClassAccuracy,
      trainSeconds,
      dataWaitSeconds: waited / 1000,
      evalSeconds: (performance.now() - evalStart) / 1000,
      imagesPerSecond: (done * t.batchSize) / trainSeconds,
    };
    history = [...history, record];
    if (!best || record.valMeanIoU > best.valMeanIoU) {
      best = { epoch: record.epoch, valMeanIoU: record.valMeanIoU };
      await model.save(join(out, 'best.safetensors'), {
        ...modelMetadata(config, val.classNames, val.palette),
        epoch: String(record.epoch),
        valMeanIoU: String(record.valMeanIoU),
      });
    }
    const total = seconds + (performance.now() - started) / 1000;
    writeMetrics(out, { config, seed, classNames: val.classNames, epochs: history, best, seconds: total });
    // a checkpoint at each epoch's end: a run cut short mid-epoch resumes from the last complete one
    if (complete) {
      const state = {
        config,
        seed,
        epoch,
        step,
        epochs,
        scheduler: scheduler.stateDict(),
        loader: loader.state(),
        rng: getRngState(),
        history,
        seconds: total,
      };
      await saveCheckpoint(out, model, optimizer, state);
    }
    opts.onEpoch?.(record);
  }
  weights?.dispose();
  const report =
    opts.report === false || !best ? null : await writeRunReport(out, join(out, 'best.safetensors'), val, history, opts.report);
  return { model, history, best, losses, stoppedEarly, seconds: seconds + (performance.now() - started) / 1000, report };
}
