/**
 * The confusion matrix of a segmentation: for K classes, a K×K table whose entry (t, p) counts the
 * pixels of true class t that were predicted as p, accumulated over any number of label maps. Every
 * score in scores.ts is read off it (mmsegmentation's `intersect_and_union` totals are its diagonal,
 * row sums and column sums). Counting is exact integer counting on the host; pixels whose true label
 * is the ignore index (255) are skipped, whatever was predicted there.
 *
 *   prediction [...], truth [...] (same shape, int32) → counts [K, K], row = truth, column = prediction
 */
import type { Tensor, TypedArray } from '@setr-ts/tensor';

/** A label map: an int32 tensor of any shape, or its values (`await t.data()`, a raster's bytes). */
export type LabelMap = Tensor | TypedArray | Uint8Array;

function valuesOf(map: LabelMap, role: string): { values: ArrayLike<number>; shape: string } {
  if (ArrayBuffer.isView(map)) return { values: map, shape: `[${map.length}]` };
  if (map.dtype !== 'int32') throw new Error(`ConfusionMatrix.update: the ${role} must be int32, got ${map.dtype}`);
  return { values: map.dataSync(), shape: `[${map.shape.join(',')}]` };
}

/**
 * @example
 * const cm = new ConfusionMatrix(11);
 * for (const { pred, labels } of results) cm.update(pred, labels); // int32 [B, H, W] each
 * segmentationScores(cm).meanIoU;
 */
export class ConfusionMatrix {
  /** K, the number of classes; labels and predictions must lie in [0, K) unless ignored. */
  readonly numClasses: number;
  /** The true label whose pixels are not counted (default 255: void and padding). */
  readonly ignoreIndex: number;
  /** Row-major K×K: `counts[t·K + p]`; float64 holds integers exactly up to 2⁵³. */
  readonly counts: Float64Array;

  constructor(numClasses: number, opts: { ignoreIndex?: number } = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1)
      throw new Error(`ConfusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
    this.numClasses = numClasses;
    this.ignoreIndex = opts.ignoreIndex ?? 255;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /**
   * Adds one prediction and its ground truth (same shape; tensors are read synchronously — on an
   * asynchronous backend pass `await t.data()` instead). A value that is not a class index in [0, K)
   * is an error, except the ignore index in the truth.
   */
  update(prediction: LabelMap, truth: LabelMap): this {
    const p = valuesOf(prediction, 'prediction');
    const t = valuesOf(truth, 'truth');
    if (p.values.length !== t.values.length || (!ArrayBuffer.isView(prediction) && !ArrayBuffer.isView(truth) && p.shape !== t.shape))
      throw new Error(`ConfusionMatrix.update: prediction ${p.shape} and truth ${t.shape} differ in shape`);
    const k = this.numClasses;
    for (let i = 0; i < t.values.length; i++) {
      const truthValue = t.values[i];
      if (truthValue === this.ignoreIndex) continue;
      const predValue = p.values[i];
      // (v | 0) === v: an integer (a float array may hold anything)
      if (!(truthValue >= 0 && truthValue < k && (truthValue | 0) === truthValue))
        throw new Error(
          `ConfusionMatrix.update: truth value ${truthValue} at element ${i} is not a class in [0, ${k}) nor the ignore index ${this.ignoreIndex}`,
        );
      if (!(predValue >= 0 && predValue < k && (predValue | 0) === predValue))
        throw new Error(`ConfusionMatrix.update: predicted value ${predValue} at element ${i} is not a class in [0, ${k})`);
      this.counts[truthValue * k + predValue]++;
    }
    return this;
  }

  /** Pixels of true class `truth` predicted as `predicted`. */
  get(truth: number, predicted: number): number {
    return this.counts[truth * this.numClasses + predicted];
  }

  /** Pixels counted (ignored ones excluded). */
  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** Adds another matrix's counts (from another shard of the data). */
  merge(other: ConfusionMatrix): this {
    if (other.numClasses !== this.numClasses)
      throw new Error(`ConfusionMatrix.merge: ${other.numClasses} classes do not match ${this.numClasses}`);
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    return this;
  }

  /** Back to all zeros. */
  reset(): this {
    this.counts.fill(0);
    return this;
  }
}
