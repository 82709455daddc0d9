/**
 * A split on disk read into memory at one size, for evaluation (whose batches are all of one size)
 * and for splits small enough to hold: every pair decoded (readPair), fitted into `size` keeping its
 * ratio (fit.ts: padding labelled 255, so it counts in no metric), and packed into a
 * {@link SegmentationDataset}. Memory: N·H·W·4 bytes (Cityscapes' 500 validation pictures at
 * 512×1024: 1.0 GB).
 *
 *   N pairs of any size → fitted to H×W → images [N, H, W, 3], labels [N, H, W] uint8
 */
import { SegmentationDataset } from './dataset.js';
import { type FileDataset, readPair } from './file-dataset.js';
import { fitSample } from './fit.js';

/** Options of {@link loadIntoMemory}. */
export interface LoadIntoMemoryOptions {
  /** [height, width] every picture is fitted into. */
  size: readonly [number, number];
  /** Files decoded at once (default 8). */
  concurrency?: number;
}

/**
 * @example const val = await loadIntoMemory(await openDataset('data/ade', 'val'), { size: [512, 512] });
 */
export async function loadIntoMemory(files: FileDataset, opts: LoadIntoMemoryOptions): Promise<SegmentationDataset> {
  const { size, concurrency = 8 } = opts;
  const [height, width] = size;
  const pixels = height * width;
  const n = files.length;
  const images = new Uint8Array(n * pixels * 3);
  const labels = new Uint8Array(n * pixels);
  const loadOne = async (i: number) => {
    const { image, label } = fitSample(await readPair(files.files[i], files.labelTable), size);
    images.set(image.data, i * pixels * 3);
    labels.set(label.data, i * pixels);
  };
  for (let start = 0; start < n; start += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, n - start) }, (_, k) => loadOne(start + k)));
  }
  const names = files.files.map((f) => f.name);
  return new SegmentationDataset({ images, labels, names, height, width, classNames: files.classNames, palette: files.palette });
}
