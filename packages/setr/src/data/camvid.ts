/**
 * The CamVid loader for a folder, for the layout of the SegNet tutorial's copy (and of the downscaled
 * copies this repository ships):
 *
 *   <root>/<split>.txt          the split's files, one a line: a file name, or the SegNet form
 *                               "/path/train/x.png /path/trainannot/x.png" (see split-list.ts)
 *   <root>/<split>/<name>       RGB photo
 *   <root>/<split>annot/<name>  8-bit grey label map: 0..10 a class, 11 void
 *
 * for any split name (`train`, `val`, `test`, …); without `<split>.txt`, the photo folder's files are
 * taken in name order. Pictures are decoded by sharp (any format it reads); camvid-dataset.ts puts the
 * split together. A browser fetches the same layout from a web server (camvid-fetch.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError } from '@setr-ts/nn';
import { type CamVidOptions, camVidDataset } from './camvid-dataset.js';
import type { SegmentationDataset } from './dataset.js';
import { isFolder } from './file-pairs.js';
import { readImage, readLabelImage } from './image-io.js';
import { parseSplitList } from './split-list.js';

/**
 * The names a list file gives, or null when the file does not exist. Any other failure to read it (a
 * folder, permission denied) is an error naming the file: a list that exists but cannot be read must
 * not quietly give way to the folder's listing.
 */
async function readSplitList(path: string): Promise<string[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError(e, 'readSplitList', 'read', path);
  }
  return parseSplitList(text);
}

/** The split's file names, from `<split>.txt` or, when there is no such file, the photo folder. */
async function listSplit(root: string, split: string): Promise<string[]> {
  const listFile = join(root, `${split}.txt`);
  const listed = await readSplitList(listFile);
  if (listed !== null) {
    if (listed.length === 0) throw new Error(`loadCamVid: ${listFile} lists no files`);
    return listed;
  }
  const folder = join(root, split);
  if (!(await isFolder(folder))) throw new Error(`loadCamVid: split '${split}' has neither a list ${listFile} nor a folder ${folder}`);
  const names = (await readdir(folder)).filter((n) => !n.startsWith('.')).sort();
  if (names.length === 0) throw new Error(`loadCamVid: ${folder} is empty`);
  return names;
}

/**
 * Loads one split of a CamVid folder into memory, every picture at `size`.
 * @example
 * const train = await loadCamVid('data/camvid/96x128', 'train');            // 367 samples, 96×128
 * const val = await loadCamVid('data/camvid/96x128', 'val', { size: [48, 64] });
 * train.get(0).label.data; // values 0..10 and 255
 */
export async function loadCamVid(root: string, split: string, opts: CamVidOptions = {}): Promise<SegmentationDataset> {
  if (!(await isFolder(root))) throw new Error(`loadCamVid: no such folder: ${root}`);
  const names = await listSplit(root, split);
  return camVidDataset(
    names,
    {
      photoPath: (name) => join(root, split, name),
      labelPath: (name) => join(root, `${split}annot`, name),
      photo: (path) => readImage(path),
      label: (path) => readLabelImage(path),
    },
    opts,
  );
}
