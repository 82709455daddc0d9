/**
 * ADE20K as the MIT Scene Parsing benchmark distributes it (ADEChallengeData2016.zip; Zhou et al.,
 * CVPR 2017), the paper's second dataset:
 *
 *   <root>/ADEChallengeData2016/images/{training,validation}/ADE_train_00000001.jpg
 *   <root>/ADEChallengeData2016/annotations/{training,validation}/ADE_train_00000001.png
 *
 * (`<root>` may also be the ADEChallengeData2016 folder itself). The split names `train` and `val`
 * stand for `training` and `validation`. The annotations hold 0 for "other" and 1..150 for the
 * classes, so, as mmseg's ADE20KDataset fixes `reduce_zero_label`, 0 becomes 255 (ignored) and every
 * class moves down by one. The class names and colours are mmseg's.
 */
import { join } from 'node:path';
import { ADE20K_CLASSES, ADE20K_PALETTE } from './ade20k-classes.js';
import { FileDataset } from './file-dataset.js';
import { isFolder, listPairs } from './file-pairs.js';
import { reduceZeroLabelTable } from './label-table.js';

/** The benchmark's folder names of our split names. */
const SPLIT_FOLDERS: Record<string, string> = { train: 'training', val: 'validation' };

/**
 * One split (`train` or `val`, or the folder names `training`, `validation`) of ADE20K, on disk.
 * @example const val = await openAde20k('data/ade', 'val');   // 2000 pictures
 */
export async function openAde20k(root: string, split: string): Promise<FileDataset> {
  const inner = join(root, 'ADEChallengeData2016');
  const base = (await isFolder(inner)) ? inner : root;
  const folder = SPLIT_FOLDERS[split] ?? split;
  const files = await listPairs({
    imageDir: join(base, 'images', folder),
    labelDir: join(base, 'annotations', folder),
    imageSuffix: '.jpg',
    labelSuffix: '.png',
    what: 'openAde20k',
  });
  return new FileDataset({
    format: 'ade20k',
    files,
    classNames: ADE20K_CLASSES,
    palette: ADE20K_PALETTE,
    labelTable: reduceZeroLabelTable(ADE20K_CLASSES.length),
  });
}
