/**
 * Cityscapes (Cordts et al., CVPR 2016), as it unpacks from leftImg8bit_trainvaltest.zip and
 * gtFine_trainvaltest.zip:
 *
 *   <root>/leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png      photos, 2048×1024
 *   <root>/gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png       label ids 0..33
 *
 * The 34 label ids become the 19 classes evaluated in the benchmark (cityscapesScripts' `trainId`),
 * every other id (void, ego vehicle, guard rail, …) 255 (cityscapes-classes.ts) — what mmseg reads
 * from the `*_labelTrainIds.png` files its conversion script writes, computed here from the originals.
 */
import { join } from 'node:path';
import { CITYSCAPES_CLASSES, CITYSCAPES_PALETTE, cityscapesLabelTable } from './cityscapes-classes.js';
import { FileDataset } from './file-dataset.js';
import { listPairs } from './file-pairs.js';

/**
 * One split (`train`, `val`, `test`) of a Cityscapes folder, on disk.
 * @example const val = await openCityscapes('data/cityscapes', 'val');   // 500 pictures of 3 cities
 */
export async function openCityscapes(root: string, split: string): Promise<FileDataset> {
  const files = await listPairs({
    imageDir: join(root, 'leftImg8bit', split),
    labelDir: join(root, 'gtFine', split),
    imageSuffix: '_leftImg8bit.png',
    labelSuffix: '_gtFine_labelIds.png',
    what: 'openCityscapes',
  });
  return new FileDataset({
    format: 'cityscapes',
    files,
    classNames: CITYSCAPES_CLASSES,
    palette: CITYSCAPES_PALETTE,
    labelTable: cityscapesLabelTable(),
  });
}
