/**
 * Segmentation scores from a {@link ConfusionMatrix} C (row = truth, column = prediction), as
 * mmsegmentation computes them:
 *
 *   IoU_c        = C[c,c] / (Σ_p C[c,p] + Σ_t C[t,c] − C[c,c])   intersection over union
 *   Acc_c        = C[c,c] / Σ_p C[c,p]                          per-class accuracy (recall)
 *   aAcc         = Σ_c C[c,c] / Σ C                             pixel accuracy
 *   mIoU, mAcc   = means over the classes whose score is a number
 *
 * A class that is neither in the truth nor in the prediction has IoU 0/0 = NaN, and one absent from
 * the truth has accuracy NaN; NaN scores are left out of the means (numpy's `nanmean`, as mmseg),
 * so a validation set without bicyclists does not count a perfect 0 against the model.
 */
import type { ConfusionMatrix } from './confusion-matrix.js';

/** The standard segmentation metrics of a confusion matrix, as {@link segmentationScores} computes them (mmseg's names). */
export interface SegmentationScores {
  /** Per class; NaN for a class in neither truth nor prediction. */
  readonly iou: number[];
  /** Mean of the IoUs that are numbers (NaN if none is). */
  readonly meanIoU: number;
  /** Per class; NaN for a class absent from the truth. */
  readonly classAccuracy: number[];
  /** Mean of the class accuracies that are numbers. */
  readonly meanClassAccuracy: number;
  /** Correct pixels / counted pixels (NaN when nothing was counted). */
  readonly pixelAccuracy: number;
}

/** Row sums (pixels per true class) and column sums (pixels per predicted class). */
function marginals(cm: ConfusionMatrix): { truth: number[]; predicted: number[] } {
  const k = cm.numClasses;
  const truth = new Array<number>(k).fill(0);
  const predicted = new Array<number>(k).fill(0);
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      truth[t] += cm.get(t, p);
      predicted[p] += cm.get(t, p);
    }
  }
  return { truth, predicted };
}

/** The mean of the values that are not NaN; NaN when all are. @example nanMean([1, NaN, 0]) // 0.5 */
export function nanMean(values: readonly number[]): number {
  const kept = values.filter((v) => !Number.isNaN(v));
  return kept.length === 0 ? Number.NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
}

/** IoU per class (NaN for a class in neither truth nor prediction). */
export function intersectionOverUnion(cm: ConfusionMatrix): number[] {
  const { truth, predicted } = marginals(cm);
  return truth.map((area, c) => cm.get(c, c) / (area + predicted[c] - cm.get(c, c)));
}

/** Accuracy per class: the share of its pixels predicted right (NaN for a class absent from the truth). */
export function classAccuracy(cm: ConfusionMatrix): number[] {
  return marginals(cm).truth.map((area, c) => cm.get(c, c) / area);
}

/** The share of counted pixels predicted right (NaN when none were counted). */
export function pixelAccuracy(cm: ConfusionMatrix): number {
  let correct = 0;
  for (let c = 0; c < cm.numClasses; c++) correct += cm.get(c, c);
  return correct / cm.total;
}

/**
 * Every score at once.
 * @example
 * const { meanIoU, iou } = segmentationScores(cm);
 * iou.forEach((v, c) => console.log(CAMVID_CLASSES[c], Number.isNaN(v) ? '—' : (100 * v).toFixed(1)));
 */
export function segmentationScores(cm: ConfusionMatrix): SegmentationScores {
  const iou = intersectionOverUnion(cm);
  const acc = classAccuracy(cm);
  return { iou, meanIoU: nanMean(iou), classAccuracy: acc, meanClassAccuracy: nanMean(acc), pixelAccuracy: pixelAccuracy(cm) };
}
