/**
 * One batch made from files, the work a data worker does (batch-worker.ts) so that the training
 * thread only wraps the result in tensors: every pair of the batch decoded (readPair: photo RGB,
 * labels through the dataset's label table), each sample through the augmentation pipeline — drawn from
 * the batch's own generator in slot order, exactly as {@link TrainLoader} does for a dataset in
 * memory; then normalised and padded to the crop size.
 *
 *   B pairs → decode → augment → ≤ cropSize → images [B, 3, cH, cW] float32, labels [B, cH, cW] int32
 */
import { augmentSample } from './augment.js';
import { assembleBatch, type HostBatch } from './batch.js';
import { type FilePair, readPair } from './file-dataset.js';
import type { LabelTable } from './label-table.js';
import { Rng } from './rng.js';
import type { BatchRequest } from './train-loader.js';

/** What a worker needs to make one batch — the loader's request and the files it names: plain data, sent as a message. */
export interface FileBatchJob extends BatchRequest {
  /** The files of `indices`, in the same order. */
  readonly files: readonly FilePair[];
  /** The dataset's label values → training labels. */
  readonly labelTable: LabelTable;
}

/**
 * The batch a job describes.
 * @example const host = await makeFileBatch({ indices: [0, 1], files, labelTable, augment: { cropSize: [96, 128] }, rng: new Rng(0).state() });
 */
export async function makeFileBatch(job: FileBatchJob): Promise<HostBatch> {
  const { indices, files, labelTable, augment } = job;
  const samples = await Promise.all(files.map((f) => readPair(f, labelTable)));
  const rng = Rng.fromState(job.rng);
  let slot = 0; // assembleBatch asks for the samples in slot order
  return assembleBatch(indices, augment.cropSize, () => augmentSample(samples[slot++], rng, augment));
}
