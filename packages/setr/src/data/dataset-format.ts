/**
 * The dataset layouts this package reads, told apart by their folders:
 *
 *   camvid       <root>/<split>/ beside <root>/<split>annot/ (SegNet's layout)            camvid.ts
 *   mmseg        <root>/img_dir/, <root>/ann_dir/, <root>/dataset.json                    mmseg-layout.ts
 *   cityscapes   <root>/leftImg8bit/, <root>/gtFine/                                     cityscapes.ts
 *   ade20k       <root>/ADEChallengeData2016/, or <root>/images/ and <root>/annotations/  ade20k.ts
 *
 * {@link openDataset} gives a split on disk (any picture size, for streaming); {@link loadSplit} a
 * split in memory at one size (for evaluation). CamVid, small and of one size, is only read into
 * memory, as it always was.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openAde20k } from './ade20k.js';
import { loadCamVid } from './camvid.js';
import { openCityscapes } from './cityscapes.js';
import type { SegmentationDataset } from './dataset.js';
import type { FileDataset } from './file-dataset.js';
import { isFolder } from './file-pairs.js';
import { loadIntoMemory } from './load-into-memory.js';
import { openMmseg } from './mmseg-layout.js';

/** The layouts, by name. */
export const DATASET_FORMATS = ['camvid', 'mmseg', 'cityscapes', 'ade20k'] as const;

/** A layout's name. */
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** The folders that mark each layout but CamVid (all of one list present). */
const MARKS: readonly [DatasetFormat, readonly string[]][] = [
  ['mmseg', ['img_dir', 'ann_dir']],
  ['cityscapes', ['leftImg8bit', 'gtFine']],
  ['ade20k', ['ADEChallengeData2016']],
  ['ade20k', ['images', 'annotations']],
];

/**
 * The layout of the folder `root`, from the folders in it.
 * @example await detectFormat('data/camvid/96x128')   // 'camvid'
 */
export async function detectFormat(root: string): Promise<DatasetFormat> {
  if (!(await isFolder(root))) throw new Error(`detectFormat: no such folder: ${root}`);
  const names = await readdir(root);
  // stat, not the entries' types: a linked folder counts as the folder it links to
  const folders = new Set(
    (await Promise.all(names.map(async (n) => ((await isFolder(join(root, n))) ? n : null)))).filter((n) => n !== null),
  );
  if ([...folders].some((f) => f.endsWith('annot') && folders.has(f.slice(0, -'annot'.length)))) return 'camvid';
  for (const [format, marks] of MARKS) if (marks.every((f) => folders.has(f))) return format;
  const expected = ['<split> and <split>annot (camvid)', ...MARKS.map(([format, marks]) => `${marks.join(' and ')} (${format})`)].join(
    ', ',
  );
  throw new Error(`detectFormat: cannot tell the layout of ${root}: it has none of ${expected}; give the format (--format)`);
}

/**
 * The layout `format` names, checked, or when it is undefined the one `root` shows.
 * @example await resolveFormat('data/mine', 'mmseg')   // 'mmseg'
 */
export async function resolveFormat(root: string, format?: string): Promise<DatasetFormat> {
  if (format === undefined) return detectFormat(root);
  if (!(DATASET_FORMATS as readonly string[]).includes(format))
    throw new Error(`resolveFormat: unknown dataset format '${format}' (formats: ${DATASET_FORMATS.join(', ')})`);
  return format as DatasetFormat;
}

/**
 * One split of a folder in the mmseg, Cityscapes or ADE20K layout, on disk, for {@link TrainLoader}
 * to stream; the format is told from the folder unless given.
 * @example const train = await openDataset('data/cityscapes', 'train');   // train.format: 'cityscapes'
 */
export async function openDataset(root: string, split: string, format?: string): Promise<FileDataset> {
  const f = await resolveFormat(root, format);
  if (f === 'mmseg') return openMmseg(root, split);
  if (f === 'cityscapes') return openCityscapes(root, split);
  if (f === 'ade20k') return openAde20k(root, split);
  throw new Error(`openDataset: ${root} is a CamVid folder, read into memory with loadCamVid (or loadSplit)`);
}

/**
 * One split of a folder in any layout, in memory, every picture at `size`: CamVid's resized as
 * loadCamVid does, the others fitted keeping their ratio (loadIntoMemory).
 * @example const val = await loadSplit('data/ade', 'val', { size: [512, 512] });
 */
export async function loadSplit(
  root: string,
  split: string,
  opts: { size: readonly [number, number]; format?: string },
): Promise<SegmentationDataset> {
  const f = await resolveFormat(root, opts.format);
  if (f === 'camvid') return loadCamVid(root, split, { size: opts.size });
  return loadIntoMemory(await openDataset(root, split, f), { size: opts.size });
}
