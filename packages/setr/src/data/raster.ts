/**
 * A raster: an 8-bit image held as one row-major `Uint8Array` with interleaved channels (HWC) — 3
 * channels (R, G, B) for a photo, 1 for a label map. Everything in src/data moves pixels in this form
 * until the last step, which writes float32 CHW for the model.
 *
 *   data[(y·width + x)·channels + c]
 */

/** An 8-bit HWC image or label map: `data[(y·width + x)·channels + c]`. */
export interface Raster {
  /** The pixels, row-major with interleaved channels; `height · width · channels` bytes. */
  readonly data: Uint8Array;
  /** Rows. */
  readonly height: number;
  /** Columns. */
  readonly width: number;
  /** Bytes per pixel: 3 (RGB) for a photo, 1 for a label map. */
  readonly channels: number;
}

/**
 * A raster over `data` (a fresh zero-filled one when omitted), after checking that the sizes agree.
 * @example const label = raster(2, 3, 1, new Uint8Array([0, 0, 1, 1, 255, 2])); // a 2×3 label map
 */
export function raster(height: number, width: number, channels: number, data?: Uint8Array): Raster {
  for (const [name, v] of [
    ['height', height],
    ['width', width],
    ['channels', channels],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`raster: ${name} must be a positive integer, got ${v}`);
  }
  const n = height * width * channels;
  if (data && data.length !== n) throw new Error(`raster: ${data.length} bytes do not fill ${height}×${width}×${channels} (${n} bytes)`);
  return { data: data ?? new Uint8Array(n), height, width, channels };
}

/** The `[height, width]` window at (top, left), copied; it must lie inside the raster. */
export function crop(src: Raster, top: number, left: number, height: number, width: number): Raster {
  if (top < 0 || left < 0 || top + height > src.height || left + width > src.width)
    throw new Error(`crop: window ${height}×${width} at (${top}, ${left}) leaves the ${src.height}×${src.width} raster`);
  const out = raster(height, width, src.channels);
  const row = width * src.channels;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * src.width + left) * src.channels;
    out.data.set(src.data.subarray(from, from + row), y * row);
  }
  return out;
}

/** The raster mirrored left to right (a new raster). */
export function flipHorizontal(src: Raster): Raster {
  const { height, width, channels: c } = src;
  const out = raster(height, width, c);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * c;
      const to = (y * width + (width - 1 - x)) * c;
      for (let k = 0; k < c; k++) out.data[to + k] = src.data[from + k];
    }
  }
  return out;
}
