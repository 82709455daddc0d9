/**
 * A training run: the parts built from its config — the model, the training loader, the optimizer and
 * its schedule, the class weights of the loss — and where it stands (epochs and steps done, the
 * history, the best epoch). The phases of the loop ({@link trainEpoch}, {@link validateEpoch},
 * {@link saveEpoch}) read and advance it; {@link resumeRun} builds one as a checkpoint left it.
 *
 *   config, seed → manualSeed(seed) → model, loader, optimizer, scheduler   (in this order: the RNG's)
 */
import type { BaseHyper, LrScheduler, Optimizer } from '@setr-ts/nn';
import { manualSeed, type Tensor, tensor } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import type { SegmentationDataset } from '../data/dataset.js';
import { type TrainingData, TrainLoader } from '../data/train-loader.js';
import { Setr } from '../model/segmentor.js';
import type { EpochRecord, RunMetrics } from './history.js';
import { buildOptimization } from './optimizer.js';

/** What a run is started from: the config, the data, the seed and the schedule's length. */
export interface RunSetup {
  /** The model and recipe. */
  readonly config: SetrConfig;
  /** The training split, in memory or on disk (streamed); its class count must equal the config's `numClasses`. */
  readonly train: TrainingData;
  /** The validation split; its class count must equal the config's `numClasses` too. */
  readonly val: SegmentationDataset;
  /** Seeds the initialisation, the shuffles and the augmentation. */
  readonly seed: number;
  /** The schedule's length in epochs. */
  readonly epochs: number;
  /** Per-class loss weights, used when the config's `train.classWeights` is true. */
  readonly classWeights?: readonly number[];
}

/** A run's parts and progress, as the phases of the loop share them. */
export interface TrainingRun {
  /** The config the run trains. */
  readonly config: SetrConfig;
  /** The seed the run started from. */
  readonly seed: number;
  /** The schedule's length in epochs. */
  readonly epochs: number;
  /** The model being trained. */
  readonly model: Setr;
  /** The training batches, augmented; its state goes into the checkpoint. */
  readonly loader: TrainLoader;
  /** AdamW or SGD over the encoder's and the heads' parameter groups. */
  readonly optimizer: Optimizer<BaseHyper>;
  /** Warmup and poly decay over the whole run's steps. */
  readonly scheduler: LrScheduler;
  /** The loss's per-class weights [K], or null; the run's owner disposes them. */
  readonly classWeights: Tensor | null;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** One record per validated epoch, earlier calls of a resumed run included. */
  history: EpochRecord[];
  /** The epoch with the highest validation mIoU so far. */
  best: RunMetrics['best'];
  /** Wall-clock seconds of the earlier calls of a resumed run (0 for a new one). */
  seconds: number;
}

function checkSetup({ config, train, val, classWeights }: RunSetup): void {
  for (const [name, d] of [
    ['training', train],
    ['validation', val],
  ] as const) {
    if (d.classNames.length !== config.numClasses)
      throw new Error(`train: the ${name} data has ${d.classNames.length} classes, the config's numClasses is ${config.numClasses}`);
  }
  if (config.train.classWeights && !classWeights)
    throw new Error('train: the config asks for class weights (train.classWeights) but none were given');
}

/**
 * A new run at epoch 0: the generator seeded, then the model initialised, the loader and the
 * optimization built.
 * @example const run = startRun({ config, train, val, seed: 0, epochs: config.train.epochs });
 */
export function startRun(setup: RunSetup): TrainingRun {
  checkSetup(setup);
  const { config, train, seed, epochs, classWeights } = setup;
  const t = config.train;
  manualSeed(seed);
  const model = new Setr(config);
  const loader = new TrainLoader(train, {
    batchSize: t.batchSize,
    seed,
    augment: {
      cropSize: t.crop ?? config.imgSize,
      scaleRange: t.scaleRange,
      scale: t.scale,
      catMaxRatio: t.catMaxRatio,
      flipProb: t.flip ? 0.5 : 0,
      photometric: t.photometric,
    },
  });
  const { optimizer, scheduler } = buildOptimization(model, t, epochs * loader.batchesPerEpoch);
  const weights = t.classWeights && classWeights ? tensor(Float32Array.from(classWeights), [classWeights.length], 'float32') : null; // [K]
  return {
    config,
    seed,
    epochs,
    model,
    loader,
    optimizer,
    scheduler,
    classWeights: weights,
    epoch: 0,
    step: 0,
    history: [],
    best: null,
    seconds: 0,
  };
}
