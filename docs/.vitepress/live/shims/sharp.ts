/**
 * The part of sharp (libvips, a native module) that setr's image files use (`readImage`,
 * `readLabelImage`, `encodePng`, so `loadCamVid` and `writePng`), for the page: decode a file to raw
 * samples, drop alpha, expand grey to RGB, take one channel, read the header, encode PNG. PNG goes
 * through png.ts, sample for sample; another format through the browser's decoder (createImageBitmap).
 */
import { decodePng, encodePng, isPng, pngHeader } from './png.js';
import { FileBytes, readBytes } from './vfs.js';

interface Raw {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
  depth: 'uchar' | 'ushort';
}

export interface OutputInfo {
  width: number;
  height: number;
  channels: number;
  size: number;
  format: string;
  premultiplied: false;
}

type Step = (r: Raw) => Raw;

function mapPixels(r: Raw, channels: number, f: (src: Uint8Array, i: number, out: Uint8Array, o: number) => void): Raw {
  const n = r.width * r.height;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) f(r.data, i * r.channels, data, i * channels);
  return { ...r, channels, data };
}

const removeAlpha: Step = (r) =>
  r.channels === 4 || r.channels === 2
    ? mapPixels(r, r.channels - 1, (s, i, o, j) => {
        for (let c = 0; c < r.channels - 1; c++) o[j + c] = s[i + c];
      })
    : r;

const toSrgb: Step = (r) =>
  r.channels === 1 || r.channels === 2
    ? mapPixels(r, r.channels + 2, (s, i, o, j) => {
        o[j] = o[j + 1] = o[j + 2] = s[i];
        if (r.channels === 2) o[j + 3] = s[i + 1];
      })
    : r;

const toGrey: Step = (r) =>
  r.channels >= 3
    ? mapPixels(r, 1, (s, i, o, j) => {
        o[j] = Math.round(0.2126 * s[i] + 0.7152 * s[i + 1] + 0.0722 * s[i + 2]);
      })
    : r;

async function decodeAny(bytes: Uint8Array): Promise<Raw> {
  if (isPng(bytes)) {
    const p = await decodePng(bytes);
    return { width: p.width, height: p.height, channels: p.channels, data: p.data, depth: p.bitDepth === 16 ? 'ushort' : 'uchar' };
  }
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas in this browser');
  ctx.drawImage(bitmap, 0, 0);
  const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  return { width: bitmap.width, height: bitmap.height, channels: 4, data: new Uint8Array(data.buffer), depth: 'uchar' };
}

class Pipeline {
  private readonly steps: Step[] = [];
  private output: 'raw' | 'png' = 'raw';

  constructor(
    private readonly input: string | Uint8Array,
    private readonly rawInput?: { width: number; height: number; channels: number },
  ) {}

  private async bytes(): Promise<Uint8Array> {
    return typeof this.input === 'string' ? readBytes(this.input) : this.input;
  }

  private async decoded(): Promise<Raw> {
    if (this.rawInput) return { ...this.rawInput, data: await this.bytes(), depth: 'uchar' };
    return decodeAny(await this.bytes());
  }

  removeAlpha(): this {
    this.steps.push(removeAlpha);
    return this;
  }

  toColourspace(space: string): this {
    if (space === 'srgb' || space === 'rgb') this.steps.push(toSrgb);
    else if (space === 'b-w' || space === 'grey16') this.steps.push(toGrey);
    else throw new Error(`sharp (page): colour space '${space}' is not supported`);
    return this;
  }

  toColorspace(space: string): this {
    return this.toColourspace(space);
  }

  extractChannel(channel: number): this {
    this.steps.push((r) =>
      mapPixels(r, 1, (s, i, o, j) => {
        o[j] = s[i + channel];
      }),
    );
    return this;
  }

  raw(): this {
    this.output = 'raw';
    return this;
  }

  png(): this {
    this.output = 'png';
    return this;
  }

  async metadata(): Promise<{ width: number; height: number; channels: number; depth: string; format: string; hasAlpha: boolean }> {
    const bytes = await this.bytes();
    if (isPng(bytes)) {
      const h = pngHeader(bytes);
      const channels = h.colorType === 3 ? 3 : h.channels;
      return {
        width: h.width,
        height: h.height,
        channels,
        depth: h.bitDepth === 16 ? 'ushort' : 'uchar',
        format: 'png',
        hasAlpha: channels % 2 === 0,
      };
    }
    const r = await decodeAny(bytes);
    return { width: r.width, height: r.height, channels: r.channels, depth: r.depth, format: 'unknown', hasAlpha: r.channels === 4 };
  }

  async toBuffer(opts?: { resolveWithObject?: boolean }): Promise<FileBytes | { data: FileBytes; info: OutputInfo }> {
    let r = await this.decoded();
    for (const step of this.steps) r = step(r);
    const bytes = this.output === 'png' ? await encodePng(r.data, r.width, r.height, r.channels) : r.data;
    const data = new FileBytes(bytes.length);
    data.set(bytes);
    if (!opts?.resolveWithObject) return data;
    const info: OutputInfo = {
      width: r.width,
      height: r.height,
      channels: r.channels,
      size: data.length,
      format: this.output,
      premultiplied: false,
    };
    return { data, info };
  }
}

export default function sharp(input: string | Uint8Array, opts?: { raw?: { width: number; height: number; channels: number } }): Pipeline {
  return new Pipeline(input, opts?.raw);
}
