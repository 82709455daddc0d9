/**
 * A batch, and how one is put together: samples are written one by one into two host arrays (photo
 * normalised to float32 CHW, labels to int32, both padded to the batch size), then wrapped as tensors
 * only when the batch is handed over. Between samples the work yields to the event loop, so a batch
 * prepared ahead proceeds whenever the caller awaits (a GPU read-back, a file write) instead of
 * holding the thread; and a batch prepared but never handed over leaves no tensor behind.
 *
 *   images: [B, 3, H, W] float32 (normalised)      labels: [B, H, W] int32 (255 = ignore)
 */
import { type Backend, fromTypedArray, type Tensor } from '@setr-ts/tensor';
import { nextTurn } from './next-turn.js';
import { labelsInto, normalizeInto } from './normalize.js';
import type { Raster } from './raster.js';

/** One batch of samples as tensors, what {@link TrainLoader} and {@link evalBatches} yield. */
export interface Batch {
  /** float32 `[B, 3, H, W]`, normalised with the ImageNet mean and std. */
  readonly images: Tensor;
  /** int32 `[B, H, W]`: class indices, 255 where ignored (void or padding). */
  readonly labels: Tensor;
  /** The dataset index of each sample, in batch order. */
  readonly indices: readonly number[];
}

/** A batch still on the host, before its tensors exist. */
export interface HostBatch {
  /** The normalised photos, `[B, 3, H, W]` row-major. */
  readonly images: Float32Array;
  /** The labels, `[B, H, W]` row-major (255 = ignored). */
  readonly labels: Int32Array;
  /** The dataset indices of the batch's samples, in slot order. */
  readonly indices: readonly number[];
  /** The batch's [H, W]. */
  readonly size: readonly [number, number];
}

/**
 * Builds a host batch of `indices` at `size`, taking each sample's photo and labels (at most `size`)
 * from `sampleAt`; yields to the event loop before each sample.
 */
export async function assembleBatch(
  indices: readonly number[],
  size: readonly [number, number],
  sampleAt: (index: number) => { image: Raster; label: Raster },
): Promise<HostBatch> {
  const [height, width] = size;
  const pixels = height * width;
  const images = new Float32Array(indices.length * 3 * pixels);
  const labels = new Int32Array(indices.length * pixels);
  for (let slot = 0; slot < indices.length; slot++) {
    await nextTurn();
    const { image, label } = sampleAt(indices[slot]);
    normalizeInto(image, images, slot * 3 * pixels, size);
    labelsInto(label, labels, slot * pixels, size);
  }
  return { images, labels, indices, size };
}

/** The host batch as tensors (the caller owns and disposes them). */
export function toBatch(host: HostBatch, backend?: Backend | string): Batch {
  const b = host.indices.length;
  const [h, w] = host.size;
  return {
    images: fromTypedArray(host.images, [b, 3, h, w], 'float32', backend),
    labels: fromTypedArray(host.labels, [b, h, w], 'int32', backend),
    indices: host.indices,
  };
}

/** `work` marked as handled, so that a prefetch nobody awaits any more cannot end the process with an unhandled rejection (awaiting it still throws). */
export function prefetch<T>(work: Promise<T>): Promise<T> {
  work.catch(() => {});
  return work;
}
