/**
 * A synthetic dataset for smoke tests and first training runs: coloured circles, rectangles and
 * triangles on textured backgrounds, with exact per-pixel labels. Each class has its own colour family
 * (red circles, green rectangles, blue triangles) as well as its own shape, and the backgrounds are
 * greyish stripes with noise, so a tiny model separates the classes quickly — yet the texture and the
 * overlaps keep it from being a colour lookup alone.
 *
 * Picture i depends only on (seed, i): it is drawn from PCG32 stream i of the seed, so a dataset of 10
 * and one of 1000 with the same seed begin with the same 10 pictures.
 *
 *   count × [H, W, 3] uint8 photos, count × [H, W] labels in {0 background, 1 circle, 2 rectangle, 3 triangle}
 */
import { SegmentationDataset } from './dataset.js';
import { Rng } from './rng.js';

/** Class names of the shapes dataset, in label order. */
export const SHAPES_CLASSES = ['background', 'circle', 'rectangle', 'triangle'] as const;

/** Colour per class: each shape class is drawn around its colour here; background black. */
export const SHAPES_PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [220, 50, 50],
  [50, 200, 70],
  [60, 90, 235],
];

/** Options of {@link makeShapesDataset}, the synthetic dataset of coloured shapes. */
export interface ShapesOptions {
  /** Number of pictures. */
  count: number;
  /** [height, width]; default [64, 64]. */
  size?: readonly [number, number];
  /** Default 0. */
  seed?: number;
  /** Each picture has 1..maxShapes shapes (later ones on top); default 3. */
  maxShapes?: number;
}

/** A test "is pixel centre (x, y) inside?" for one shape of centre (cx, cy) and size s, rotated by φ. */
function insideTest(kind: number, cx: number, cy: number, s: number, phi: number, rng: Rng): (x: number, y: number) => boolean {
  const cos = Math.cos(phi);
  const sin = Math.sin(phi);
  if (kind === 1) return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= s * s;
  if (kind === 2) {
    const a = s * rng.uniform(0.6, 1);
    const b = s * rng.uniform(0.6, 1);
    return (x, y) => Math.abs((x - cx) * cos + (y - cy) * sin) <= a && Math.abs(-(x - cx) * sin + (y - cy) * cos) <= b;
  }
  // triangle: inside when on the same side of all three edges (edge functions of one sign)
  const r = s * 1.25;
  const vx = [0, 1, 2].map((k) => cx + r * Math.cos(phi + (2 * Math.PI * k) / 3));
  const vy = [0, 1, 2].map((k) => cy + r * Math.sin(phi + (2 * Math.PI * k) / 3));
  const edge = (k: number, x: number, y: number) => {
    const j = (k + 1) % 3;
    return (vx[j] - vx[k]) * (y - vy[k]) - (vy[j] - vy[k]) * (x - vx[k]);
  };
  return (x, y) => {
    const e0 = edge(0, x, y);
    const e1 = edge(1, x, y);
    const e2 = edge(2, x, y);
    return (e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0);
  };
}

/** Draws one picture into `image` ([H, W, 3]) and `label` ([H, W]), with every draw from `rng`. */
function drawPicture(image: Uint8Array, label: Uint8Array, height: number, width: number, rng: Rng, maxShapes: number): void {
  // background: a tinted grey, stripes at a random angle and period, per-pixel noise
  const grey = rng.uniform(70, 170);
  const tint = [0, 1, 2].map(() => rng.uniform(-15, 15));
  const angle = rng.uniform(0, Math.PI);
  const period = rng.uniform(4, 16);
  const amplitude = rng.uniform(8, 25);
  const [ux, uy] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = amplitude * Math.sin(((x * ux + y * uy) * 2 * Math.PI) / period);
      for (let c = 0; c < 3; c++) image[(y * width + x) * 3 + c] = grey + tint[c] + stripe + rng.uniform(-12, 12);
    }
  }
  label.fill(0);
  const shapes = 1 + rng.int(maxShapes);
  const side = Math.min(height, width);
  for (let n = 0; n < shapes; n++) {
    const kind = 1 + rng.int(3);
    const colour = SHAPES_PALETTE[kind].map((v) => v + rng.uniform(-25, 25));
    const s = side * rng.uniform(0.12, 0.3);
    const cx = rng.uniform(0, width);
    const cy = rng.uniform(0, height);
    const inside = insideTest(kind, cx, cy, s, rng.uniform(0, 2 * Math.PI), rng);
    for (let y = Math.max(0, Math.floor(cy - 1.3 * s)); y < Math.min(height, Math.ceil(cy + 1.3 * s)); y++) {
      for (let x = Math.max(0, Math.floor(cx - 1.3 * s)); x < Math.min(width, Math.ceil(cx + 1.3 * s)); x++) {
        if (!inside(x + 0.5, y + 0.5)) continue;
        label[y * width + x] = kind;
        for (let c = 0; c < 3; c++) image[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, colour[c] + rng.uniform(-8, 8)));
      }
    }
  }
}

/**
 * `count` pictures of shapes, as a {@link SegmentationDataset} (4 classes).
 * @example
 * const shapes = makeShapesDataset({ count: 256, size: [32, 32], seed: 1 });
 * shapes.classNames; // ['background', 'circle', 'rectangle', 'triangle']
 */
export function makeShapesDataset(opts: ShapesOptions): SegmentationDataset {
  const { count, size = [64, 64], seed = 0, maxShapes = 3 } = opts;
  if (!Number.isInteger(count) || count < 1) throw new Error(`makeShapesDataset: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(maxShapes) || maxShapes < 1)
    throw new Error(`makeShapesDataset: maxShapes must be a positive integer, got ${maxShapes}`);
  const [height, width] = size;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1)
    throw new Error(`makeShapesDataset: size must be two positive integers, got [${size.join(', ')}]`);
  const pixels = height * width;
  const images = new Uint8Array(count * pixels * 3);
  const labels = new Uint8Array(count * pixels);
  for (let i = 0; i < count; i++) {
    const image = images.subarray(i * pixels * 3, (i + 1) * pixels * 3);
    drawPicture(image, labels.subarray(i * pixels, (i + 1) * pixels), height, width, new Rng(seed, i), maxShapes);
  }
  const names = Array.from({ length: count }, (_, i) => `shapes-${seed}-${i}`);
  return new SegmentationDataset({ images, labels, names, height, width, classNames: SHAPES_CLASSES, palette: SHAPES_PALETTE });
}
