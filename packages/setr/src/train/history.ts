/** What a training run records per epoch, and where it is written (`metrics.json`). */
import type { RunFiles } from './run-files.js';

/** One epoch of a training run, as `metrics.json` and the checkpoint store it. */
export interface EpochRecord {
  /** 1-based: the number of epochs completed. */
  readonly epoch: number;
  /** Optimizer steps taken by the end of the epoch. */
  readonly step: number;
  /** Mean total loss (main + weighted auxiliary) over the epoch's steps. */
  readonly loss: number;
  /** Mean loss of the decoder alone. */
  readonly mainLoss: number;
  /** The encoder's learning rate at the epoch's last step. */
  readonly lr: number;
  /** Validation mean IoU, per-class IoU (NaN written as null), pixel accuracy and mean class accuracy. */
  readonly valMeanIoU: number;
  /** Validation IoU per class, in class order; null for a class in neither truth nor prediction. */
  readonly valIoU: (number | null)[];
  /** Validation pixel accuracy: correct pixels over counted pixels. */
  readonly valPixelAccuracy: number;
  /** Validation accuracy averaged over the classes present in the truth. */
  readonly valMeanClassAccuracy: number;
  /** Seconds: the epoch's training steps, of which waiting for data, and the validation. */
  readonly trainSeconds: number;
  /** Seconds of `trainSeconds` spent waiting for the loader (high: the data pipeline is the bottleneck). */
  readonly dataWaitSeconds: number;
  /** Seconds the validation took. */
  readonly evalSeconds: number;
  /** Training images per second over the epoch (steps only). */
  readonly imagesPerSecond: number;
}

/** The contents of a run's `metrics.json`: its setup, every epoch, and the best one. */
export interface RunMetrics {
  /** The run's SETR config, as trained. */
  readonly config: unknown;
  /** The seed the run started from. */
  readonly seed: number;
  /** The class names, in the order of `valIoU`. */
  readonly classNames: readonly string[];
  /** One record per completed epoch. */
  readonly epochs: EpochRecord[];
  /** The epoch with the highest validation mIoU; null before the first epoch ends. */
  readonly best: {
    /** Its 1-based epoch number. */
    readonly epoch: number;
    /** Its validation mean IoU. */
    readonly valMeanIoU: number;
  } | null;
  /** Wall-clock seconds of the whole run so far (resumed runs add up their parts). */
  readonly seconds: number;
}

/** The epoch with the highest validation mIoU (the first of equals), or null for no epochs. */
export function bestOf(history: readonly EpochRecord[]): RunMetrics['best'] {
  return history.reduce<RunMetrics['best']>(
    (b, r) => (b && b.valMeanIoU >= r.valMeanIoU ? b : { epoch: r.epoch, valMeanIoU: r.valMeanIoU }),
    null,
  );
}

/** Writes `metrics.json` into the run's files, whole. */
export async function writeMetrics(run: RunFiles, metrics: RunMetrics): Promise<void> {
  await run.write('metrics.json', new TextEncoder().encode(`${JSON.stringify(metrics, null, 1)}\n`));
}
