/**
 * PNG decoding and encoding for the page's `sharp` (sharp.ts), exact by construction: the file's own
 * samples, no colour management (a canvas may apply gamma or an ICC profile). zlib through the
 * browser's DecompressionStream / CompressionStream. Non-interlaced PNGs of every colour type; 16-bit
 * samples are narrowed to their high byte, 1/2/4-bit grey scaled to 0..255, palettes expanded.
 */

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  readonly channels: number;
  /** Bits per sample in the file (the data here is always 8-bit). */
  readonly bitDepth: number;
  readonly data: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** The header of a PNG file, without decoding its pixels. */
export function pngHeader(bytes: Uint8Array): Header & { channels: number } {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h: Header = { width: v.getUint32(16), height: v.getUint32(20), bitDepth: bytes[24], colorType: bytes[25], interlace: bytes[28] };
  return { ...h, channels: { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }[h.colorType] ?? 0 };
}

export async function decodePng(bytes: Uint8Array): Promise<DecodedPng> {
  const { width, height, bitDepth, colorType, interlace, channels: fileChannels } = pngHeader(bytes);
  if (interlace !== 0) throw new Error('interlaced PNG files are not supported in the page');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'IDAT') idat.push(body);
    else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = await pipe(concat(idat), new DecompressionStream('deflate'));
  const samplesPerPixel = colorType === 3 ? 1 : fileChannels;
  const bitsPerPixel = samplesPerPixel * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const lines = new Uint8Array(stride * height);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const line = lines.subarray(y * stride, (y + 1) * stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`PNG: unknown filter type ${filter} on line ${y}`);
      line[i] = (src[i] + p) & 255;
    }
    prev = line;
  }
  // samples of one line → 8-bit values
  const sampleAt = (line: Uint8Array, i: number): number => {
    if (bitDepth === 8) return line[i];
    if (bitDepth === 16) return line[2 * i]; // the high byte
    const perByte = 8 / bitDepth;
    const shift = 8 - bitDepth * ((i % perByte) + 1);
    return (line[Math.floor(i / perByte)] >> shift) & ((1 << bitDepth) - 1);
  };
  const alphaFromTrns = colorType === 3 && transparency !== null;
  const channels = colorType === 3 ? (alphaFromTrns ? 4 : 3) : fileChannels;
  const data = new Uint8Array(width * height * channels);
  const scale = colorType === 0 && bitDepth < 8 ? 255 / ((1 << bitDepth) - 1) : 1;
  for (let y = 0; y < height; y++) {
    const line = lines.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (colorType === 3) {
        const k = sampleAt(line, x);
        if (!palette || 3 * k + 2 >= palette.length) throw new Error(`PNG: palette index ${k} out of range`);
        data[o] = palette[3 * k];
        data[o + 1] = palette[3 * k + 1];
        data[o + 2] = palette[3 * k + 2];
        if (alphaFromTrns) data[o + 3] = transparency && k < transparency.length ? transparency[k] : 255;
      } else {
        for (let c = 0; c < channels; c++) data[o + c] = Math.round(sampleAt(line, x * channels + c) * scale);
      }
    }
  }
  return { width, height, channels, bitDepth, data };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  v.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** An 8-bit PNG of `channels` (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) samples per pixel. */
export async function encodePng(data: Uint8Array, width: number, height: number, channels: number): Promise<Uint8Array> {
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  if (colorType === undefined) throw new Error(`PNG: cannot write ${channels} channels`);
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1); // filter 0
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, colorType, 0, 0, 0], 8);
  const idat = await pipe(raw, new CompressionStream('deflate'));
  return concat([new Uint8Array(SIGNATURE), chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
