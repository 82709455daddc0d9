/**
 * The speed peer: the same checkpoint exported to ONNX (`setr export --onnx --dynamic`, which the vite
 * config runs at build time: models/setr-tiny-mla-camvid/model.onnx) and run by onnxruntime-web,
 * Microsoft's ONNX runtime for browsers, on its WebAssembly execution provider (SIMD, on the threads of
 * our wasm choice beside it) or its WebGPU one. The picture goes through it as through `segment`'s
 * whole mode:
 *
 *   photo [H, W, 3] → normalised [1, 3, H', W'] (H', W' the next multiples of the patch; bilinear)
 *   → onnxruntime → logits [1, K, H', W'] → back to [1, K, H, W] (bilinear) → classes [H, W] (argmax)
 *
 * A picture larger than the model's size is one pass too (the export takes any size); our backends
 * slide windows of the model's size over it.
 *
 * Two builds of onnxruntime-web, each loaded when first chosen: `onnxruntime-web/wasm` for the wasm
 * choices, its plain WebAssembly; the package's main build for WebGPU, whose WebAssembly (JSEP) is
 * compiled with asyncify and runs the wasm execution provider about half as fast — that one would not
 * be a fair peer on wasm. Each build's glue (an ES module) and WebAssembly come from the site's ort/
 * folder: the glue must be a file of its own, since its worker threads start from its URL.
 */
import { normalizeImage, type Raster } from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';
import type * as Ort from 'onnxruntime-web';
import { type ActualBackend, isSoftware, webgpuAdapter } from './backends.js';

type OrtModule = typeof Ort;
export type OrtBackendId = 'ort-wasm-threads' | 'ort-wasm-1' | 'ort-webgpu';

/** The checkpoint's ONNX export, beside it on the site. */
export const ONNX_URL = 'models/setr-tiny-mla-camvid/model.onnx';

/** What one run gives: the logits at the picture's size, and the classes. */
export interface OrtRun {
  /** [1, K, H, W] flattened. */
  readonly logits: Float32Array;
  /** [H, W] flattened: the class of the largest logit (the first, on a tie). */
  readonly classes: Int32Array;
}

/** A session and the build that made it (its tensors must be that build's). */
export interface OrtSession {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
}

/** onnxruntime-web's builds: the module, and its glue's file name in ort/ (the .wasm has the same stem). */
const BUILDS = {
  wasm: { load: () => import('onnxruntime-web/wasm'), glue: 'ort-wasm-simd-threaded' },
  webgpu: { load: () => import('onnxruntime-web'), glue: 'ort-wasm-simd-threaded.jsep' },
} as const;
type Build = keyof typeof BUILDS;

const buildOf = (id: OrtBackendId): Build => (id === 'ort-webgpu' ? 'webgpu' : 'wasm');
const runtimes = new Map<Build, Promise<OrtModule>>();

/**
 * A build, loaded and told where its files are and how many threads its pool has — read once, when its
 * WebAssembly starts (the first session), so set before: as many as cores where the page is
 * cross-origin isolated (its threads share memory, too), one otherwise.
 */
function runtime(build: Build): Promise<OrtModule> {
  let loaded = runtimes.get(build);
  if (!loaded) {
    const { load, glue } = BUILDS[build];
    loaded = load().then((ort) => {
      const at = (ext: string) => new URL(`ort/${glue}.${ext}`, document.baseURI).href;
      ort.env.wasm.wasmPaths = { mjs: at('mjs'), wasm: at('wasm') };
      ort.env.wasm.numThreads = globalThis.crossOriginIsolated === true ? navigator.hardwareConcurrency || 1 : 1;
      return ort;
    });
    runtimes.set(build, loaded);
  }
  return loaded;
}

/** The threads a run of `id` uses on the wasm execution provider (after the first session: what ORT settled on). */
function ortThreads(ort: OrtModule, id: OrtBackendId): number {
  return id === 'ort-wasm-1' ? 1 : (ort.env.wasm.numThreads ?? 1);
}

let modelBytes: Promise<Uint8Array> | null = null;
const sessions = new Map<OrtBackendId, Promise<OrtSession>>();

/** The session for `id`, created on first use from the ONNX file; one per choice, kept. */
export function ortSession(id: OrtBackendId): Promise<OrtSession> {
  let session = sessions.get(id);
  if (!session) {
    modelBytes ??= fetch(ONNX_URL).then(async (res) => {
      if (!res.ok) throw new Error(`${ONNX_URL}: HTTP ${res.status} (the build exports it: npm run build)`);
      return new Uint8Array(await res.arrayBuffer());
    });
    session = Promise.all([runtime(buildOf(id)), modelBytes]).then(async ([ort, bytes]) => {
      // only the provider asked for: ORT would fall back from WebGPU to wasm without a word otherwise
      const options: Ort.InferenceSession.SessionOptions =
        id === 'ort-webgpu'
          ? { executionProviders: ['webgpu'] }
          : { executionProviders: ['wasm'], intraOpNumThreads: ortThreads(ort, id), graphOptimizationLevel: 'all' };
      return { ort, session: await ort.InferenceSession.create(bytes, options) };
    });
    sessions.set(id, session);
    session.catch(() => sessions.delete(id)); // a failed start is tried again on the next run
  }
  return session;
}

/**
 * Bilinear resize of `x` [1, C, h, w] to `size`, PyTorch's `align_corners=False` as in `segment`'s
 * whole mode; on the tensor package's reference backend, and only where the sizes differ.
 */
function resized(x: Float32Array, [c, h, w]: readonly [number, number, number], size: readonly [number, number]): Float32Array {
  if (size[0] === h && size[1] === w) return x;
  return T.tidy(() => {
    const t = T.fromTypedArray(x, [1, c, h, w], 'float32', 'reference');
    return Float32Array.from(T.interpolate(t, { size: [size[0], size[1]], mode: 'bilinear', alignCorners: false }).dataSync());
  });
}

/** The class of each pixel: the index of the largest of its K logits ([K, plane] flattened → [plane]). */
function argmaxOverClasses(logits: Float32Array, k: number, plane: number): Int32Array {
  const classes = new Int32Array(plane);
  for (let i = 0; i < plane; i++) {
    let best = logits[i];
    for (let c = 1; c < k; c++) {
      const v = logits[c * plane + i];
      if (v > best) {
        best = v;
        classes[i] = c;
      }
    }
  }
  return classes;
}

/** The photo's logits and classes from `session`, for a model of patch size `patch`. */
export async function ortSegment({ ort, session }: OrtSession, photo: Raster, patch: number): Promise<OrtRun> {
  const { height: h, width: w } = photo;
  const fit: [number, number] = [Math.max(patch, Math.ceil(h / patch) * patch), Math.max(patch, Math.ceil(w / patch) * patch)];
  const images = resized(normalizeImage(photo), [3, h, w], fit); // [1, 3, H', W']
  const out = await session.run({ images: new ort.Tensor('float32', images, [1, 3, fit[0], fit[1]]) });
  const raw = out.logits;
  const k = raw.dims[1];
  const logits = resized(raw.data as Float32Array, [k, fit[0], fit[1]], [h, w]); // [1, K, H, W]
  return { logits, classes: argmaxOverClasses(logits, k, h * w) };
}

/**
 * What ran in onnxruntime-web: its version and execution provider; on wasm the threads ORT settled on
 * (one where the page is not cross-origin isolated, whatever was asked), on WebGPU the adapter.
 */
export async function actualOrt(id: OrtBackendId): Promise<ActualBackend> {
  const ort = await runtime(buildOf(id));
  if (id !== 'ort-webgpu') {
    const threads = ortThreads(ort, id);
    const description = `onnxruntime-web ${ort.env.versions.web} (wasm, ${threads} thread${threads > 1 ? 's' : ''})`;
    return { id, description, threads, summary: description };
  }
  const adapter = await webgpuAdapter();
  const on = adapter.ok ? adapter.name : 'an unnamed adapter';
  const description = `onnxruntime-web ${ort.env.versions.web} (webgpu)`;
  return { id, description, summary: `${description}; on ${on}${isSoftware(on) ? ', a software rasteriser' : ''}` };
}
