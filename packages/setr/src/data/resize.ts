/**
 * Resizing a raster to `[height, width]` with one of three filters:
 *
 * - `'area'` — the box filter: each output pixel is the mean of the input area it covers, partly
 *   covered pixels weighted by the covered fraction (OpenCV's INTER_AREA when shrinking). The right
 *   filter for shrinking photos: it averages instead of skipping pixels, so nothing aliases.
 * - `'bilinear'` — half-pixel centres, `src = (dst + ½)·in/out − ½`, clamped at the edges (OpenCV's
 *   INTER_LINEAR, PyTorch's `align_corners=False`). For enlarging photos.
 * - `'nearest'` — the input pixel whose area holds the output pixel's centre,
 *   `src = ⌊(dst + ½)·in/out⌋`. For label maps: it never invents a class.
 *
 * All three are separable: an output row (column) is a weighted sum of input rows (columns), so one
 * routine applies per-axis "taps" (input index, weight) along x, then along y, and only the taps
 * differ between filters. Results round half up to uint8. {@link resizeImage} and {@link resizeLabels}
 * pick the filter for photos and label maps.
 *
 * Since every output pixel has its own taps, a window of the result can be computed alone: the same
 * sums in the same order, so the same bytes as resizing the whole and cropping (what augmentation
 * does: a crop of a picture rescaled up to 2×), for the window's cost.
 */
import { type Raster, raster } from './raster.js';

/** How {@link resize} samples: `area` for shrinking photos, `bilinear` for enlarging them, `nearest` for label maps. */
export type ResizeFilter = 'area' | 'bilinear' | 'nearest';

/** Per-axis taps in compressed form: output o reads `index[k]·weight[k]` for k in [start[o], start[o+1]). */
interface Taps {
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

function buildTaps(inSize: number, outSize: number, filter: ResizeFilter): Taps {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize + 1);
  const index: number[] = [];
  const weight: number[] = [];
  const tap = (i: number, w: number) => {
    index.push(i);
    weight.push(w);
  };
  for (let o = 0; o < outSize; o++) {
    start[o] = index.length;
    if (filter === 'nearest') {
      tap(Math.min(Math.floor((o + 0.5) * scale), inSize - 1), 1);
    } else if (filter === 'bilinear') {
      const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
      const i0 = Math.floor(s);
      const f = s - i0;
      tap(i0, 1 - f);
      if (f > 0) tap(i0 + 1, f);
    } else {
      // the input interval [a, b) this output pixel covers, split over the input pixels it touches
      const a = o * scale;
      const b = (o + 1) * scale;
      for (let i = Math.floor(a); i < Math.min(Math.ceil(b), inSize); i++) {
        const covered = Math.min(b, i + 1) - Math.max(a, i);
        if (covered > 0) tap(i, covered / scale);
      }
    }
  }
  start[outSize] = index.length;
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

/** A window of a raster: `height` rows from `top`, `width` columns from `left`. */
export interface ResizeWindow {
  /** The window's first row in the resized raster. */
  readonly top: number;
  /** The window's first column in the resized raster. */
  readonly left: number;
  /** Rows in the window. */
  readonly height: number;
  /** Columns in the window. */
  readonly width: number;
}

/**
 * `src` resized to `[height, width]` (a new raster; the same channels), or only the `window` of that
 * result: the bytes `crop(resize(src, size, filter), …window)` gives.
 * @example const small = resize(photo, [96, 128], 'area');
 * @example const labels = resize(labelMap, [96, 128], 'nearest');
 * @example const part = resize(photo, [384, 512], 'bilinear', { top: 100, left: 40, height: 96, width: 128 });
 */
export function resize(
  src: Raster,
  [height, width]: readonly [number, number],
  filter: ResizeFilter,
  window: ResizeWindow = { top: 0, left: 0, height, width },
): Raster {
  const { top, left } = window;
  if (top < 0 || left < 0 || top + window.height > height || left + window.width > width)
    throw new Error(`resize: window ${window.height}×${window.width} at (${top}, ${left}) leaves the ${height}×${width} result`);
  const out = raster(window.height, window.width, src.channels);
  const c = src.channels;
  const tx = buildTaps(src.width, width, filter);
  const ty = buildTaps(src.height, height, filter);
  // the input rows the window's rows read: taps move down monotonically
  const first = ty.index[ty.start[top]];
  const last = ty.index[ty.start[top + window.height] - 1];
  // along x, the window's columns of those rows: [last − first + 1, src.width, c] → [·, window.width, c]
  const line = window.width * c;
  const rows = new Float64Array((last - first + 1) * line);
  for (let y = first; y <= last; y++) {
    const inRow = y * src.width * c;
    const outRow = (y - first) * line;
    for (let x = 0; x < window.width; x++) {
      for (let k = tx.start[left + x]; k < tx.start[left + x + 1]; k++) {
        const from = inRow + tx.index[k] * c;
        const w = tx.weight[k];
        for (let ch = 0; ch < c; ch++) rows[outRow + x * c + ch] += w * src.data[from + ch];
      }
    }
  }
  // along y: [·, window.width, c] → [window.height, window.width, c]
  const acc = new Float64Array(line);
  for (let y = 0; y < window.height; y++) {
    acc.fill(0);
    for (let k = ty.start[top + y]; k < ty.start[top + y + 1]; k++) {
      const from = (ty.index[k] - first) * line;
      const w = ty.weight[k];
      for (let i = 0; i < line; i++) acc[i] += w * rows[from + i];
    }
    // values lie in [0, 255] up to rounding error; + ½ then the uint8 store's truncation rounds half up
    for (let i = 0; i < line; i++) out.data[y * line + i] = Math.max(acc[i], 0) + 0.5;
  }
  return out;
}

/**
 * A photo resized the way this package always resizes photos: the area filter when shrinking (both
 * sides no larger), bilinear otherwise; only `window` of the result when given. Returns `src` itself
 * when the size already matches and no window is asked for.
 */
export function resizeImage(src: Raster, size: readonly [number, number], window?: ResizeWindow): Raster {
  if (src.height === size[0] && src.width === size[1] && !window) return src;
  return resize(src, size, size[0] <= src.height && size[1] <= src.width ? 'area' : 'bilinear', window);
}

/** A label map resized with `'nearest'`, so every value is one of the input's; only `window` of the result when given. Returns `src` itself when the size already matches and no window is asked for. */
export function resizeLabels(src: Raster, size: readonly [number, number], window?: ResizeWindow): Raster {
  if (src.height === size[0] && src.width === size[1] && !window) return src;
  return resize(src, size, 'nearest', window);
}
