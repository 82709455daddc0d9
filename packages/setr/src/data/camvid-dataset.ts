/**
 * A CamVid split put together from its pictures, wherever they are read from (a folder in Node:
 * camvid.ts; a web server in a browser: camvid-fetch.ts). A label must have its photo's size (refused
 * otherwise, both files named). Every pair is resized to one size (area filter for photos, nearest for
 * labels), void becomes 255 (ignore), and the whole split is held in memory as uint8.
 *
 *   names → (photo H×W×3, label H×W×1) per name → resized to size → SegmentationDataset [N, h, w]
 */
import { CAMVID_CLASSES, CAMVID_PALETTE, CAMVID_VOID } from './camvid-classes.js';
import { IGNORE_INDEX, SegmentationDataset } from './dataset.js';
import type { Raster } from './raster.js';
import { resizeImage, resizeLabels } from './resize.js';

/** Options of the CamVid loaders ({@link loadCamVid}, {@link fetchCamVid}). */
export interface CamVidOptions {
  /** [height, width] every picture is resized to; the first photo's size when omitted. */
  size?: readonly [number, number];
  /** Files decoded at once (default 8). */
  concurrency?: number;
}

/** Where a split's pictures are and how they are decoded: a loader's part. */
export interface CamVidReader {
  /** Where the photo of `name` is (a path or a URL): read with {@link CamVidReader.photo}, named in errors. */
  photoPath(name: string): string;
  /** Where its label map is. */
  labelPath(name: string): string;
  /** The photo at `path` as 8-bit RGB; an error names the file. */
  photo(path: string): Promise<Raster>;
  /** The label map at `path`, one 8-bit channel of class values, unchanged; an error names the file. */
  label(path: string): Promise<Raster>;
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
 * The split whose pictures `names` are, read through `reader`, every picture at `opts.size`.
 * @example const val = await camVidDataset(['0016E5_07959.png'], reader, { size: [96, 128] });
 */
export async function camVidDataset(
  names: readonly string[],
  reader: CamVidReader,
  opts: CamVidOptions = {},
): Promise<SegmentationDataset> {
  const concurrency = opts.concurrency ?? 8;
  let size = opts.size;
  if (!size) {
    const first = await reader.photo(reader.photoPath(names[0]));
    size = [first.height, first.width];
  }
  const [height, width] = size;
  const pixels = height * width;
  const images = new Uint8Array(names.length * pixels * 3);
  const labels = new Uint8Array(names.length * pixels);
  const loadOne = async (i: number) => {
    const photoPath = reader.photoPath(names[i]);
    const labelPath = reader.labelPath(names[i]);
    const photo = await reader.photo(photoPath); // photo first, so a missing pair reports the photo
    const label = await reader.label(labelPath);
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
