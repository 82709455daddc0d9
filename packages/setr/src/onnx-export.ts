/**
 * SETR as an ONNX model, for onnxruntime (Node, web, mobile), Netron and every other ONNX reader: nn's
 * tracer (`exportOnnx`) runs the segmentor once in evaluation mode and writes the ops it ran.
 *
 *   images [B, 3, H, W] → logits [B, K, H, W]   (and with `aux`, aux.j [B, K, H, W] per auxiliary head)
 *
 * Fixed sizes by default: B = 1 and H×W the config's `imgSize` (or `size`). With `dynamic`, B, H and W
 * are free — H and W multiples of the patch size — and the graph computes every size from the image's
 * shape, the position embedding's resize to the patch grid included (see nn's dynamic-sizes.ts). Then
 * the model is traced at a grid one patch larger than the training grid each way, so that the resize is
 * in the graph (at the training size it resizes to the same grid, which is exact).
 */
import { exportOnnx, type OnnxExportOptions, saveOnnx } from '@setr-ts/nn';
import { randn } from '@setr-ts/tensor';
import type { Setr } from './model/segmentor.js';

/** Options of {@link exportSetrOnnx}. */
export interface SetrOnnxOptions {
  /** Also output each auxiliary head's logits, as `aux.0`, `aux.1`, … (default false: `logits` only). */
  aux?: boolean;
  /** Batch, height and width free (height and width multiples of the patch size); default false. */
  dynamic?: boolean;
  /** The fixed image size [H, W] (default: the config's `imgSize`); not with `dynamic`. */
  size?: readonly [number, number];
}

/**
 * The model's ONNX file: input `images`, outputs `logits` (and `aux.j`).
 * @example writeFileSync('setr.onnx', exportSetrOnnx(model, { dynamic: true }));
 */
export function exportSetrOnnx(model: Setr, opts: SetrOnnxOptions = {}): Uint8Array {
  return withOnnxOptions(model, opts, (options) => exportOnnx(model, options));
}

/**
 * {@link exportSetrOnnx}, written to `path` (atomically).
 * @example saveSetrOnnx('setr.onnx', model, { aux: true });
 */
export function saveSetrOnnx(path: string, model: Setr, opts: SetrOnnxOptions = {}): void {
  withOnnxOptions(model, opts, (options) => saveOnnx(path, model, options));
}

/** Calls `fn` with nn's export options for `model`, then frees the example image. */
function withOnnxOptions<T>(model: Setr, opts: SetrOnnxOptions, fn: (options: OnnxExportOptions) => T): T {
  const { patchSize, imgSize, decoder } = model.config;
  if (opts.dynamic && opts.size) throw new Error('exportSetrOnnx: give a fixed size or dynamic, not both');
  const [h, w] = opts.dynamic ? [imgSize[0] + patchSize, imgSize[1] + patchSize] : (opts.size ?? imgSize);
  const images = randn([1, 3, h, w]);
  try {
    return fn({
      inputs: { images },
      forward: ({ images }) => {
        const { logits, aux } = model.forward(images, { aux: opts.aux ?? false });
        return { logits, ...Object.fromEntries(aux.map((a, j) => [`aux.${j}`, a])) };
      },
      dynamicAxes: opts.dynamic
        ? { images: { 0: { name: 'batch' }, 2: { name: 'height', step: patchSize }, 3: { name: 'width', step: patchSize } } }
        : undefined,
      name: `setr-${decoder.kind}`,
      docString: `SETR-${decoder.kind} (${model.config.style} style): images [B, 3, H, W], normalised → logits [B, ${model.config.numClasses}, H, W]`,
    });
  } finally {
    images.dispose();
  }
}
