/**
 * What a label file's values mean for training: a table from each possible byte (0..255) to a class
 * index in [0, K), to {@link IGNORE_INDEX} (255), or to "refused" (−1: a value the dataset never
 * writes, so the file is damaged or belongs to another dataset). The layouts differ only in their table:
 *
 *   plain (mmseg's default)   v → v for v < K, 255 → 255
 *   reduce_zero_label         0 → 255, v → v − 1 for 1 ≤ v ≤ K, 255 → 255   (mmseg: ADE20K's "other" is 0)
 *   Cityscapes                34 label ids → 19 train ids, every other id → 255
 *
 *   label file H×W (bytes) → table → labels H×W (class index or 255)
 */
import { IGNORE_INDEX } from './dataset.js';
import type { Raster } from './raster.js';

/** `table[v]` is the training label of file value v: a class index, 255, or −1 for a value refused. */
export type LabelTable = Int16Array;

/** The table of a label file that holds class indices as they are (and 255 to ignore): K classes. */
export function plainLabelTable(classes: number): LabelTable {
  const table = new Int16Array(256).fill(-1);
  for (let v = 0; v < classes; v++) table[v] = v;
  table[IGNORE_INDEX] = IGNORE_INDEX;
  return table;
}

/** mmseg's `reduce_zero_label`: 0 (unlabelled) is ignored and every other value moves down by one; K classes are 1..K in the file. */
export function reduceZeroLabelTable(classes: number): LabelTable {
  const table = new Int16Array(256).fill(-1);
  table[0] = IGNORE_INDEX;
  for (let v = 1; v <= classes; v++) table[v] = v - 1;
  table[IGNORE_INDEX] = IGNORE_INDEX;
  return table;
}

/**
 * A label map's values through `table`, in place. A refused value is an error naming the file, the
 * value and what the dataset allows.
 * @example mapLabels(await readLabelImage('ann_dir/train/a.png'), reduceZeroLabelTable(150), 'ann_dir/train/a.png');
 */
export function mapLabels(label: Raster, table: LabelTable, path: string): void {
  const data = label.data;
  for (let i = 0; i < data.length; i++) {
    const mapped = table[data[i]];
    if (mapped < 0) throw new Error(`mapLabels: ${path} has label value ${data[i]}, which this dataset never writes (${allowed(table)})`);
    data[i] = mapped;
  }
}

/** The values a table accepts, as ranges: "values 0..10, 255". */
function allowed(table: LabelTable): string {
  const ranges: string[] = [];
  for (let v = 0; v < 256; v++) {
    if (table[v] < 0) continue;
    let end = v;
    while (end + 1 < 256 && table[end + 1] >= 0) end++;
    ranges.push(end === v ? `${v}` : `${v}..${end}`);
    v = end;
  }
  return `values ${ranges.join(', ')}`;
}
