/**
 * The 19 Cityscapes classes of the benchmark, their colours, and the table from the 34 label ids of
 * the `*_gtFine_labelIds.png` files to them (cityscapesScripts' labels.py: `trainId`; every id not
 * evaluated → 255).
 */
import { IGNORE_INDEX } from './dataset.js';
import type { LabelTable } from './label-table.js';

/** The 19 evaluated classes, in train-id order. */
export const CITYSCAPES_CLASSES = [
  'road',
  'sidewalk',
  'building',
  'wall',
  'fence',
  'pole',
  'traffic light',
  'traffic sign',
  'vegetation',
  'terrain',
  'sky',
  'person',
  'rider',
  'car',
  'truck',
  'bus',
  'train',
  'motorcycle',
  'bicycle',
] as const;

/** Their colours, as cityscapesScripts and mmseg draw them. */
export const CITYSCAPES_PALETTE: readonly (readonly [number, number, number])[] = [
  [128, 64, 128],
  [244, 35, 232],
  [70, 70, 70],
  [102, 102, 156],
  [190, 153, 153],
  [153, 153, 153],
  [250, 170, 30],
  [220, 220, 0],
  [107, 142, 35],
  [152, 251, 152],
  [70, 130, 180],
  [220, 20, 60],
  [255, 0, 0],
  [0, 0, 142],
  [0, 0, 70],
  [0, 60, 100],
  [0, 80, 100],
  [0, 0, 230],
  [119, 11, 32],
];

/** The label id of each train id (cityscapesScripts' labels.py): road is id 7, …, bicycle id 33. */
export const CITYSCAPES_LABEL_IDS: readonly number[] = [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33];

/** Label id → train id; every id not evaluated → 255. */
export function cityscapesLabelTable(): LabelTable {
  const table = new Int16Array(256).fill(IGNORE_INDEX);
  CITYSCAPES_LABEL_IDS.forEach((id, trainId) => {
    table[id] = trainId;
  });
  return table;
}
