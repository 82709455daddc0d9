/**
 * The CamVid loader, for the folder layout of the SegNet tutorial's copy (and of the downscaled copies
 * this repository ships):
 *
 *   <root>/<split>.txt          the split's files, one a line: a file name, or the SegNet form
 *                               "/path/train/x.png /path/trainannot/x.png" (see split-list.ts)
 *   <root>/<split>/<name>       RGB photo
 *   <root>/<split>annot/<name>  8-bit grey label map: 0..10 a class, 11 void
 *
 * for any split name (`train`, `val`, `test`, …); without `<split>.txt`, the photo folder's files are
 * taken in name order. A label must have its photo's size (refused otherwise, both files named). Every
 * pair is resized on load to one size (area filter for photos, nearest for labels), void becomes 255
 * (ignore), and the whole split is held in memory as uint8.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CAMVID_CLASSES, CAMVID_PALETTE, CAMVID_VOID } from './camvid-classes.js';
import { IGNORE_INDEX, SegmentationDataset } from './dataset.js';
import { readImage, readLabelImage } from './image-io.js';
import { resizeImage, resizeLabels } from './resize.js';
import { readSplitList } from './split-list.js';

/** Options of {@link loadCamVid}. */
export interface CamVidOptions {
  /** [height, width] every picture is resized to; the first photo's size when omitted. */
  size?: readonly [number, number];
  /** Files decoded at once (default 8). */
  concurrency?: number;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
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
  if (!(await isDirectory(folder))) throw new Error(`loadCamVid: split '${split}' has neither a list ${listFile} nor a folder ${folder}`);
  const names = (await readdir(folder)).filter((n) => !n.startsWith('.')).sort();
  if (names.length === 0) throw new Error(`loadCamVid: ${folder} is empty`);
  return names;
}

/** CamVid's label values → training labels, in place: 11 (void) → 255; a value above 11 other than 255 is an error. */
function mapVoid(labels: Uint8Array, path: string): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === CAMVID_VOID) labels[i] = IGNORE_INDEX;
    else if (v > CAMVID_VOID && v !== IGNORE_INDEX)
      throw new Error(`loadCamVid: ${path} has label value ${v}; CamVid labels are 0..10, 11 (void) or 255`);
  }
}

/**
 * Loads one split of a CamVid folder into memory, every picture at `size`.
 * @example
 * const train = await loadCamVid('data/camvid/96x128', 'train');            // 367 samples, 96×128
 * const val = await loadCamVid('data/camvid/96x128', 'val', { size: [48, 64] });
 * train.get(0).label.data; // values 0..10 and 255
 */
export async function loadCamVid(root: string, split: string, opts: CamVidOptions = {}): Promise<SegmentationDataset> {
  if (!(await isDirectory(root))) throw new Error(`loadCamVid: no such folder: ${root}`);
  const names = await listSplit(root, split);
  const concurrency = opts.concurrency ?? 8;
  let size = opts.size;
  if (!size) {
    const first = await readImage(join(root, split, names[0]));
    size = [first.height, first.width];
  }
  const [height, width] = size;
  const pixels = height * width;
  const images = new Uint8Array(names.length * pixels * 3);
  const labels = new Uint8Array(names.length * pixels);
  const loadOne = async (i: number) => {
    const photoPath = join(root, split, names[i]);
    const labelPath = join(root, `${split}annot`, names[i]);
    const photo = await readImage(photoPath); // photo first, so a missing pair reports the photo
    const label = await readLabelImage(labelPath);
    if (label.height !== photo.height || label.width !== photo.width)
      throw new Error(
        `loadCamVid: the label ${labelPath} is ${label.height}×${label.width} but its photo ${photoPath} is ${photo.height}×${photo.width}; a label map must have its photo's size`,
      );
    const lab = resizeLabels(label, size);
    mapVoid(lab.data, labelPath);
    images.set(resizeImage(photo, size).data, i * pixels * 3);
    labels.set(lab.data, i * pixels);
  };
  for (let start = 0; start < names.length; start += concurrency) {
    const chunk = names.slice(start, start + concurrency).map((_, k) => loadOne(start + k));
    await Promise.all(chunk);
  }
  return new SegmentationDataset({ images, labels, names, height, width, classNames: CAMVID_CLASSES, palette: CAMVID_PALETTE });
}
