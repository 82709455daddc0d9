/**
 * PNG decoding in plain JavaScript (fast-png), for where sharp is not: a browser. The stored samples
 * come out as they are — no colour management, no gamma — so a label map's class values are exact,
 * and an 8-bit photo gives the bytes sharp gives (test/png-decode.test.ts checks every bundled CamVid
 * picture). 8-bit PNGs of any colour type are read, and palette PNGs; 16-bit ones are refused (sharp,
 * in Node, narrows them).
 *
 *   PNG bytes → grey | grey+alpha | RGB | RGBA | palette → photo H×W×3  or  label map H×W×1
 */
import { convertIndexedToRgb, type DecodedPng, decode } from 'fast-png';
import { type Raster, raster } from './raster.js';

/** The decoded PNG, or an error `what: cannot read path: not a decodable image (why)` as image-io.ts words it. */
function decodePng(bytes: Uint8Array, path: string, what: string): DecodedPng {
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new Error(`${what}: cannot read ${path}: not a decodable image (${(e as Error).message})`);
  }
  if (png.palette === undefined && png.depth !== 8)
    throw new Error(`${what}: ${path} is a ${png.depth}-bit PNG; in a browser only 8-bit and palette PNGs are read`);
  return png;
}

/**
 * A PNG photo as 8-bit RGB (alpha dropped, grey expanded, a palette looked up).
 * @example const photo = decodePhotoPng(new Uint8Array(await (await fetch(url)).arrayBuffer()), url); // Raster H×W×3
 */
export function decodePhotoPng(bytes: Uint8Array, path: string): Raster {
  const png = decodePng(bytes, path, 'decodePhotoPng');
  const { width, height } = png;
  const data = png.palette ? convertIndexedToRgb(png) : (png.data as Uint8Array);
  const channels = png.palette ? data.length / (width * height) : png.channels;
  if (channels === 3) return raster(height, width, 3, Uint8Array.from(data));
  const rgb = new Uint8Array(width * height * 3);
  const grey = channels <= 2;
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = data[p * channels + (grey ? 0 : c)];
  return raster(height, width, 3, rgb);
}

/**
 * A PNG label map: one 8-bit channel of class values, unchanged (a colour, palette or 16-bit file is
 * an error, since converting it would change the values).
 * @example const labels = decodeLabelPng(bytes, 'trainannot/0001TP_006690.png'); // Raster H×W×1
 */
export function decodeLabelPng(bytes: Uint8Array, path: string): Raster {
  const png = decodePng(bytes, path, 'decodeLabelPng');
  if (png.channels !== 1 || png.palette)
    throw new Error(
      `decodeLabelPng: ${path} must be a single-channel 8-bit image of class indices, but it has ${png.palette ? 'a palette' : `${png.channels} channel(s)`}`,
    );
  return raster(png.height, png.width, 1, Uint8Array.from(png.data as Uint8Array));
}
