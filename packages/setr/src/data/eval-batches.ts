/**
 * Evaluation batches: the dataset in order, without augmentation, the last batch possibly smaller,
 * each next batch prepared while the caller works on the current one.
 *
 *   dataset [N, H, W, 3] → ⌈N/B⌉ batches: images [≤B, 3, H, W] float32, labels [≤B, H, W] int32
 */
import type { Backend } from '@setr-ts/tensor';
import { assembleBatch, type Batch, prefetch, toBatch } from './batch.js';
import type { SegmentationDataset } from './dataset.js';

/** Options of {@link evalBatches}. */
export interface EvalBatchOptions {
  /** Samples per batch; the last batch may be smaller. */
  batchSize: number;
  /** Where the batch tensors are created; the current backend unless given. */
  backend?: Backend | string;
}

/**
 * @example
 * for await (const { images, labels } of evalBatches(val, { batchSize: 16 })) {
 *   const pred = predict(images);      // [B, H, W] int32
 *   confusion.update(pred, labels);
 *   images.dispose(); labels.dispose(); pred.dispose();
 * }
 */
export async function* evalBatches(dataset: SegmentationDataset, opts: EvalBatchOptions): AsyncGenerator<Batch> {
  const { batchSize, backend } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`evalBatches: batchSize must be a positive integer, got ${batchSize}`);
  const n = dataset.length;
  const prepare = (start: number) => {
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => start + k);
    return prefetch(assembleBatch(indices, [dataset.height, dataset.width], (i) => dataset.get(i)));
  };
  let ahead = n > 0 ? prepare(0) : null;
  for (let start = 0; ahead; start += batchSize) {
    const host = await ahead;
    ahead = start + batchSize < n ? prepare(start + batchSize) : null;
    yield toBatch(host, backend);
  }
}
