/**
 * A split on disk: its pairs of photo and label files, the class table, and the {@link LabelTable} that
 * turns the label files' values into training labels. Nothing is decoded until asked, so a split of
 * any size costs a few hundred bytes a picture; the pictures may each have their own size. The layout
 * readers (mmseg-layout.ts, cityscapes.ts, ade20k.ts) make one. It is a {@link BatchSource}: its
 * batches are made on a pool of worker threads (batch-worker.ts, file-batch.ts), which
 * {@link TrainLoader} asks a few batches ahead; load-into-memory.ts reads it into memory at one size
 * (for evaluation).
 *
 *   files[i] = { name, image: path, label: path } → readPair → photo H×W×3, labels H×W (class or 255)
 */
import { availableParallelism } from 'node:os';
import type { HostBatch } from './batch.js';
import { IGNORE_INDEX, type Sample } from './dataset.js';
import type { FileBatchJob } from './file-batch.js';
import { readImage, readLabelImage } from './image-io.js';
import { type LabelTable, mapLabels } from './label-table.js';
import type { BatchRequest, BatchSource } from './train-loader.js';
import { WorkerPool } from './worker-pool.js';

/** One picture of a split on disk. */
export interface FilePair {
  /** What to call it: its file name without the folder (and, for Cityscapes, with the city). */
  readonly name: string;
  /** The photo's path. */
  readonly image: string;
  /** The label map's path: one 8-bit channel. */
  readonly label: string;
}

/**
 * @example
 * const train = await openDataset('data/cityscapes', 'train');   // a FileDataset, nothing decoded
 * const { image, label } = await readPair(train.files[0], train.labelTable);
 */
export class FileDataset implements BatchSource {
  /** The layout it was read as. */
  readonly format: string;
  /** The pictures, in the split's order. */
  readonly files: readonly FilePair[];
  /** The class names, in label order. */
  readonly classNames: readonly string[];
  /** An RGB colour per class. */
  readonly palette: readonly (readonly [number, number, number])[];
  /** The label files' values → training labels. */
  readonly labelTable: LabelTable;
  /** Worker threads that make its batches (default: the cores but one, 1 to 4); read when the first batch is asked for. */
  workers = Math.max(1, Math.min(4, availableParallelism() - 1));
  private pool: WorkerPool<FileBatchJob, HostBatch> | null = null;

  /** The fields, checked: a palette colour per class, at most 255 classes, a table that gives no other class. */
  constructor(parts: Pick<FileDataset, 'format' | 'files' | 'classNames' | 'palette' | 'labelTable'>) {
    const { format, files, classNames, palette, labelTable } = parts;
    if (files.length === 0) throw new Error(`FileDataset: the ${format} split has no pictures`);
    if (palette.length !== classNames.length)
      throw new Error(`FileDataset: ${classNames.length} class names but ${palette.length} palette colours`);
    const k = classNames.length;
    if (k < 1 || k > IGNORE_INDEX) throw new Error(`FileDataset: ${k} classes; a label byte holds 1 to ${IGNORE_INDEX}`);
    if (labelTable.some((v) => v >= k && v !== IGNORE_INDEX))
      throw new Error(`FileDataset: the label table gives values outside [0, ${k}) and not ${IGNORE_INDEX}`);
    this.format = format;
    this.files = files;
    this.classNames = classNames;
    this.palette = palette;
    this.labelTable = labelTable;
  }

  /** Number of pictures. */
  get length(): number {
    return this.files.length;
  }

  /** The batch `request` describes, made on a worker thread: its pairs decoded, augmented, normalised and padded. */
  makeBatch(request: BatchRequest): Promise<HostBatch> {
    this.pool ??= new WorkerPool(new URL('./batch-worker.js', import.meta.url), this.workers);
    return this.pool.run({ ...request, files: request.indices.map((i) => this.files[i]), labelTable: this.labelTable });
  }

  /** Ends its worker threads now (idle ones end by themselves after 5 s); they start again for the next batch. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/**
 * One pair decoded: the photo as RGB and the label map through `labelTable`, at the files' own size. A
 * label of another size than its photo is refused, naming both files.
 */
export async function readPair(pair: FilePair, labelTable: LabelTable): Promise<Sample> {
  const image = await readImage(pair.image); // photo first, so a missing pair reports the photo
  const label = await readLabelImage(pair.label);
  if (label.height !== image.height || label.width !== image.width)
    throw new Error(
      `readPair: the label ${pair.label} is ${label.height}×${label.width} but its photo ${pair.image} is ${image.height}×${image.width}; a label map must have its photo's size`,
    );
  mapLabels(label, labelTable, pair.label);
  return { image, label, name: pair.name };
}
