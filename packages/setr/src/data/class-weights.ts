/**
 * Class weights from a training split's own labels: median-frequency balancing (Eigen & Fergus 2015,
 * as SegNet weights CamVid), for a weighted cross-entropy when `train.classWeights` is on:
 *
 *   freq(c) = pixels of c / labelled pixels of the pictures where c appears
 *   w(c)    = median over the classes present of freq / freq(c)        (0 for a class never present)
 *
 * counted over every label map at its own size — in memory for a {@link SegmentationDataset}, decoded
 * from disk, a few at a time, for a {@link FileDataset} (a damaged label file stops it, named).
 *
 *   N label maps → per class: pixels, pixels of the pictures holding it → K weights
 */
import { IGNORE_INDEX, SegmentationDataset } from './dataset.js';
import type { FileDataset } from './file-dataset.js';
import { readLabelImage } from './image-io.js';
import { mapLabels } from './label-table.js';

/** The running sums of one split: per class, its pixels and the labelled pixels of the pictures holding it. */
interface Counts {
  readonly pixels: Float64Array;
  readonly context: Float64Array;
}

/** Adds one label map (training labels: class or 255) to `counts`. */
function count(labels: Uint8Array, counts: Counts): void {
  const k = counts.pixels.length;
  const here = new Float64Array(k);
  let labelled = 0;
  for (const v of labels) {
    if (v === IGNORE_INDEX) continue;
    here[v]++;
    labelled++;
  }
  for (let c = 0; c < k; c++) {
    if (here[c] === 0) continue;
    counts.pixels[c] += here[c];
    counts.context[c] += labelled;
  }
}

/**
 * The median-frequency weight of each class of `data`'s training labels.
 * @example const weights = await medianFrequencyWeights(train);   // [K], ~1 for a typical class, > 1 for rare ones
 */
export async function medianFrequencyWeights(data: SegmentationDataset | FileDataset, concurrency = 8): Promise<number[]> {
  const k = data.classNames.length;
  const counts = { pixels: new Float64Array(k), context: new Float64Array(k) };
  if (data instanceof SegmentationDataset) {
    for (let i = 0; i < data.length; i++) count(data.get(i).label.data, counts);
  } else {
    const one = async (path: string) => {
      const label = await readLabelImage(path);
      mapLabels(label, data.labelTable, path);
      count(label.data, counts);
    };
    for (let start = 0; start < data.length; start += concurrency)
      await Promise.all(data.files.slice(start, start + concurrency).map((f) => one(f.label)));
  }
  const freq = Array.from(counts.pixels, (p, c) => (p > 0 ? p / counts.context[c] : 0));
  const present = freq.filter((f) => f > 0).sort((a, b) => a - b);
  if (present.length === 0) throw new Error('medianFrequencyWeights: no labelled pixel in the whole split');
  const mid = present.length >> 1;
  const median = present.length % 2 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
  return freq.map((f) => (f > 0 ? median / f : 0));
}
