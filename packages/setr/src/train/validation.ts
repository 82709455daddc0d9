/**
 * Closing an epoch: the model scored on the validation split (whole images, see evaluate.ts), and the
 * epoch's record — its steps' losses and speed, the learning rate, the validation scores — added to
 * the run's history.
 *
 *   val → segment → confusion matrix → mIoU, IoU per class, accuracies → EpochRecord → run.history
 */
import type { SegmentationDataset } from '../data/dataset.js';
import type { EpochSteps } from './epoch.js';
import { evaluate } from './evaluate.js';
import type { EpochRecord } from './history.js';
import type { TrainingRun } from './run.js';

/**
 * The record of the epoch whose `steps` were just taken, with its validation scores; appended to
 * `run.history`. An epoch cut short counts as the fraction of its batches done.
 * @example const record = await validateEpoch(run, val, await trainEpoch(run));   // record.valMeanIoU
 */
export async function validateEpoch(run: TrainingRun, val: SegmentationDataset, steps: EpochSteps): Promise<EpochRecord> {
  const evalStart = performance.now();
  const { scores } = await evaluate(run.model, val, { batchSize: run.config.train.batchSize });
  const record: EpochRecord = {
    epoch: steps.complete ? run.epoch : run.epoch + steps.done / run.loader.batchesPerEpoch,
    step: run.step,
    loss: steps.loss,
    mainLoss: steps.mainLoss,
    lr: run.scheduler.lrs[0],
    valMeanIoU: scores.meanIoU,
    valIoU: scores.iou.map((v) => (Number.isNaN(v) ? null : v)),
    valPixelAccuracy: scores.pixelAccuracy,
    valMeanClassAccuracy: scores.meanClassAccuracy,
    trainSeconds: steps.trainSeconds,
    dataWaitSeconds: steps.dataWaitSeconds,
    evalSeconds: (performance.now() - evalStart) / 1000,
    imagesPerSecond: steps.imagesPerSecond,
  };
  run.history.push(record);
  return record;
}
