/**
 * Evaluation on a labelled split: every image segmented (whole, slide, multi-scale, flip — see
 * inference.ts), every non-ignored pixel counted in a confusion matrix, and the scores read off it.
 */
import type { SegmentationDataset } from '../data/dataset.js';
import { evalBatches } from '../data/eval-batches.js';
import { type InferenceOptions, segment } from '../inference.js';
import { ConfusionMatrix } from '../metrics/confusion-matrix.js';
import { type SegmentationScores, segmentationScores } from '../metrics/scores.js';
import type { Setr } from '../model/segmentor.js';

/** What {@link evaluate} returns: the scores, and the confusion matrix they come from. */
export interface Evaluation {
  /** mIoU, per-class IoU and accuracies over the whole dataset. */
  readonly scores: SegmentationScores;
  /** The K×K pixel counts (true class × predicted class). */
  readonly confusion: ConfusionMatrix;
}

/**
 * @example const { scores } = await evaluate(model, val, { batchSize: 8 });   // scores.meanIoU, scores.iou[c]
 */
export async function evaluate(
  model: Setr,
  dataset: SegmentationDataset,
  opts: InferenceOptions & { batchSize?: number } = {},
): Promise<Evaluation> {
  const k = model.config.numClasses;
  if (dataset.classNames.length !== k) throw new Error(`evaluate: the dataset has ${dataset.classNames.length} classes, the model ${k}`);
  const confusion = new ConfusionMatrix(k);
  for await (const { images, labels } of evalBatches(dataset, { batchSize: opts.batchSize ?? 8 })) {
    const classes = await segment(model, images, opts); // [B, H, W]
    confusion.update((await classes.data()) as Int32Array, (await labels.data()) as Int32Array);
    for (const t of [images, labels, classes]) t.dispose();
  }
  return { scores: segmentationScores(confusion), confusion };
}
