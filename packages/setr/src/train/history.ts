/** What a training run records per epoch, and where it is written (`metrics.json`). */
import { join } from 'node:path';
import { writeFileAtomic } from '@setr-ts/nn';

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
  readonly valIoU: (number | null)[];
  readonly valPixelAccuracy: number;
  readonly valMeanClassAccuracy: number;
  /** Seconds: the epoch's training steps, of which waiting for data, and the validation. */
  readonly trainSeconds: number;
  readonly dataWaitSeconds: number;
  readonly evalSeconds: number;
  /** Training images per second over the epoch (steps only). */
  readonly imagesPerSecond: number;
}

export interface RunMetrics {
  readonly config: unknown;
  readonly seed: number;
  readonly classNames: readonly string[];
  readonly epochs: EpochRecord[];
  readonly best: { readonly epoch: number; readonly valMeanIoU: number } | null;
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

/** Writes `metrics.json` into the run folder, atomically. */
export function writeMetrics(dir: string, metrics: RunMetrics): void {
  writeFileAtomic(join(dir, 'metrics.json'), new TextEncoder().encode(`${JSON.stringify(metrics, null, 1)}\n`));
}
