/**
 * Image files in and out, through sharp (libvips): any format it decodes (PNG, JPEG, WebP, TIFF, …)
 * becomes a {@link Raster}, and a raster becomes PNG bytes. Decoding and encoding only: resizing is
 * ours (resize.ts), because libvips has no plain area filter and augmentation resizes synchronously
 * anyway. Every failure names the file and says which it is: the file cannot be read (missing,
 * permission denied, a folder: the file system's words), or its bytes are not an image.
 */
import { readFileBytes, writeFileAtomic } from '@setr-ts/nn';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { type Raster, raster } from './raster.js';
import { resizeImage, resizeLabels } from './resize.js';

/** `what: cannot read path: <sharp's reason>` for bytes that were read but are no image libvips decodes (or a truncated one). */
function notAnImage(what: string, path: string, e: unknown): Error {
  return new Error(`${what}: cannot read ${path}: not a decodable image (${(e as Error).message})`);
}

async function decode(bytes: Uint8Array, path: string, pipeline: (s: Sharp) => Sharp, what: string): Promise<Raster> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline(sharp(bytes)).raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw notAnImage(what, path, e);
  }
  const { data, info } = out;
  return raster(info.height, info.width, info.channels, new Uint8Array(data.buffer, data.byteOffset, data.length));
}

/**
 * Reads a photo as 8-bit RGB (alpha dropped, grey expanded, 16-bit narrowed), resized to `size`
 * ([height, width]) when given, with the area filter when shrinking, bilinear when enlarging.
 * @example const photo = await readImage('street.jpg', { size: [96, 128] }); // Raster 96×128×3
 */
export async function readImage(path: string, opts: { size?: readonly [number, number] } = {}): Promise<Raster> {
  const bytes = await readFileBytes(path, 'readImage');
  const img = await decode(bytes, path, (s) => s.removeAlpha().toColourspace('srgb'), 'readImage');
  return opts.size ? resizeImage(img, opts.size) : img;
}

/**
 * Reads a label map: a single-channel 8-bit image whose values are class indices, unchanged (a colour
 * or 16-bit file is an error, since converting it would change the values). Resized with
 * nearest-neighbour to `size` when given.
 * @example const labels = await readLabelImage('trainannot/0001TP_006690.png'); // Raster H×W×1
 */
export async function readLabelImage(path: string, opts: { size?: readonly [number, number] } = {}): Promise<Raster> {
  const bytes = await readFileBytes(path, 'readLabelImage');
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (e) {
    throw notAnImage('readLabelImage', path, e);
  }
  if (meta.channels !== 1 || meta.depth !== 'uchar')
    throw new Error(
      `readLabelImage: ${path} must be a single-channel 8-bit image of class indices, but it has ${meta.channels} channel(s) of ${meta.depth}`,
    );
  const labels = await decode(bytes, path, (s) => s.extractChannel(0), 'readLabelImage');
  return opts.size ? resizeLabels(labels, opts.size) : labels;
}

/**
 * PNG bytes of a raster (1 channel: grey, 3: RGB).
 * @example writeFileSync('pred.png', await encodePng(colorizeLabels(prediction, CAMVID_PALETTE)));
 */
export async function encodePng(img: Raster): Promise<Uint8Array> {
  if (img.channels !== 1 && img.channels !== 3) throw new Error(`encodePng: expected 1 or 3 channels, got ${img.channels}`);
  const { height, width, channels } = img;
  const input = sharp(img.data, { raw: { width, height, channels } });
  // libvips would write one channel as RGB unless told the image is grey
  return (channels === 1 ? input.toColourspace('b-w') : input).png().toBuffer();
}

/** Writes a raster as a PNG file, atomically; a failure names the path and its cause. @example await writePng('pred.png', picture); */
export async function writePng(path: string, img: Raster): Promise<void> {
  writeFileAtomic(path, await encodePng(img));
}
