/**
 * The demo page: the trained SETR-Tiny checkpoint on a CamVid photo or the reader's own picture, on the
 * backend chosen on the page; the mask over the photo with the class legend, the time per image, and
 * the attention map of a chosen layer and head for the patch under the cursor.
 *
 * Everything the model does is `@setr-ts/setr` as in Node: the checkpoint's bytes go through
 * `trainedModelFromBytes` (what `setr predict` does with a file), the photo through `imagesToTensor`,
 * the mask comes from `segment` (whole image, or sliding windows where the picture is larger than the
 * model's training size, as `setr predict` does) and the attention maps from
 * `model.forward(x, { attention: true })`. To compare with, the same checkpoint exported to ONNX runs
 * in onnxruntime-web (onnxruntime.ts), timed the same way. `window.setrDemo` exposes the state for the
 * browser test and the measuring script.
 */
import { noGrad, tidy } from '@setr-ts/autograd';
import {
  countParameters,
  imagesToTensor,
  paletteFor,
  type Raster,
  raster,
  resizeImage,
  segment,
  type TrainedModel,
  trainedModelFromBytes,
} from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';
import {
  type ActualBackend,
  actualBackend,
  type BackendChoice,
  type BackendId,
  backendChoices,
  backendOptions,
  type DemoBackendId,
  isOrt,
  ortChoices,
  useBackend,
  workerTasks,
} from './backends.js';
import { drawAttention, drawCurve, drawPrediction, legendItems, outlinePatch, type Rgb } from './draw.js';
import { actualOrt, ONNX_URL, type OrtBackendId, ortSegment, ortSession } from './onnxruntime.js';

const MODEL_URL = 'models/setr-tiny-mla-camvid/model.safetensors';
const METRICS_URL = 'models/setr-tiny-mla-camvid/metrics.json';
const SAMPLES_URL = 'data/camvid/96x128/val.txt';
const sampleUrl = (name: string) => `data/camvid/96x128/val/${name}`;

/** One finished run, as the page shows it and the test reads it. */
export interface RunResult {
  readonly picture: string;
  readonly backend: ActualBackend;
  readonly height: number;
  readonly width: number;
  /** The photo's RGB bytes as the model saw them (row-major, 3 per pixel). */
  readonly rgb: number[];
  /** The class of every pixel, row-major. */
  readonly classes: number[];
  /** Milliseconds for the mask: normalising, `segment` (or onnxruntime-web's run), reading the classes back. */
  readonly ms: number;
  /** Milliseconds for the extra pass that returns the attention maps (0 in onnxruntime-web: its graph has none). */
  readonly attentionMs: number;
  /** onnxruntime-web's logits [1, K, H, W], to compare with ours (none from our backends, whose `segment` keeps them). */
  readonly logits?: number[];
  /** Tensors alive after the run (the model's parameters and buffers): equal after every run on one backend. */
  readonly liveTensors: number;
}

interface Result extends RunResult {
  readonly classMap: Int32Array;
  /** Per layer, the weights [heads, 1+N, 1+N] (batch 1; [heads, N, N] without a cls token). */
  readonly attention: Float32Array[];
  readonly grid: readonly [number, number];
  /** Whether token 0 is the cls token (not in mmseg's MLA, whose encoder drops it before the blocks). */
  readonly clsToken: boolean;
}

interface Metrics {
  classNames: string[];
  best: { epoch: number; valMeanIoU: number };
  seconds: number;
  epochs: { epoch: number; valMeanIoU: number; valIoU: number[]; valPixelAccuracy: number; valMeanClassAccuracy: number }[];
}

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const ui = {
  backend: $<HTMLSelectElement>('backend'),
  sample: $<HTMLSelectElement>('sample'),
  imageFile: $<HTMLInputElement>('image-file'),
  checkpointFile: $<HTMLInputElement>('checkpoint-file'),
  layer: $<HTMLSelectElement>('layer'),
  head: $<HTMLSelectElement>('head'),
  alpha: $<HTMLInputElement>('alpha'),
  run: $<HTMLButtonElement>('run'),
  state: $('state'),
  actual: $('actual'),
  timing: $('timing'),
  view: $<HTMLCanvasElement>('view'),
  viewCaption: $('view-caption'),
  attention: $<HTMLCanvasElement>('attention'),
  attentionCaption: $('attention-caption'),
  legend: $('legend'),
  modelInfo: $('model-info'),
  curve: $<HTMLCanvasElement>('curve'),
  iou: $<HTMLTableElement>('iou'),
};

const demo = {
  /** loading | ready | running | done | error */
  state: 'loading',
  error: null as string | null,
  choices: [] as BackendChoice<DemoBackendId>[],
  /** Finished runs so far. */
  runs: 0,
  last: null as RunResult | null,
  /** Milliseconds per image of every run, per backend and picture size (`wasm-1 96×128`). */
  times: {} as Record<string, number[]>,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
};
(globalThis as { setrDemo?: typeof demo }).setrDemo = demo;

let checkpoint: { bytes: Uint8Array; name: string } = { bytes: new Uint8Array(0), name: MODEL_URL };
let trained: { backend: BackendId; checkpoint: typeof checkpoint; model: TrainedModel } | null = null;
let picture: { name: string; photo: Raster; note: string } | null = null;
let result: Result | null = null;
let hover: [number, number] | null = null;

function setState(state: string, text: string): void {
  demo.state = state;
  ui.state.dataset.state = state;
  ui.state.textContent = text;
}

// ----- inputs -----

async function fetchBytes(url: string): Promise<Uint8Array<ArrayBuffer>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * A picture's RGB pixels, exactly as stored: no colour-space conversion, no premultiplied alpha (alpha
 * is dropped, as `readImage` does in Node).
 */
async function decodePicture(blob: Blob): Promise<Raster> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const img = raster(bitmap.height, bitmap.width, 3);
  for (let i = 0; i < bitmap.width * bitmap.height; i++) img.data.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
  bitmap.close();
  return img;
}

/** Pictures much larger than the model's size are scaled down (area filter) to at most twice its size. */
function limitSize(photo: Raster, imgSize: readonly [number, number]): { photo: Raster; note: string } {
  const [mh, mw] = [2 * imgSize[0], 2 * imgSize[1]];
  if (photo.height <= mh && photo.width <= mw) return { photo, note: '' };
  const s = Math.min(mh / photo.height, mw / photo.width);
  const size: [number, number] = [Math.max(1, Math.round(photo.height * s)), Math.max(1, Math.round(photo.width * s))];
  return { photo: resizeImage(photo, size), note: ` (scaled down from ${photo.height}×${photo.width})` };
}

async function choosePicture(name: string, blob: Blob): Promise<void> {
  const decoded = await decodePicture(blob);
  const imgSize = trained?.model.config.imgSize ?? [96, 128];
  const { photo, note } = limitSize(decoded, imgSize);
  picture = { name, photo, note };
  hover = null;
}

async function chooseCheckpoint(name: string, bytes: Uint8Array): Promise<void> {
  const probe = trainedModelFromBytes(bytes, name); // fails here, with the file's name, if it is not a model
  probe.model.dispose();
  checkpoint = { bytes, name };
}

// ----- running -----

function palette(m: TrainedModel): readonly Rgb[] {
  return m.palette ?? paletteFor(m.config.numClasses);
}

function classNames(m: TrainedModel): readonly string[] {
  return m.classNames ?? Array.from({ length: m.config.numClasses }, (_, i) => `class ${i}`);
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

/** One run's output: the mask, with the attention maps on our backends, and the times. */
interface Pass {
  readonly backend: ActualBackend;
  readonly classMap: Int32Array;
  readonly ms: number;
  readonly attention: Float32Array[];
  readonly attentionMs: number;
  readonly logits?: Float32Array;
}

/** Our backend `id`: the mask from `segment`, then the attention maps from one more pass. */
async function runOurs(id: BackendId, photo: Raster): Promise<Pass> {
  const backend = await useBackend(id);
  if (!trained || trained.backend !== id || trained.checkpoint !== checkpoint) {
    trained?.model.model.dispose();
    trained = null;
    trained = { backend: id, checkpoint, model: trainedModelFromBytes(checkpoint.bytes, checkpoint.name) };
    fillAttentionChoices(trained.model);
  }
  const { model, config } = trained.model;
  const tasksBefore = workerTasks(backend);

  const t0 = performance.now();
  const images = imagesToTensor([photo]);
  const large = photo.height > config.imgSize[0] || photo.width > config.imgSize[1];
  const classes = await segment(model, images, { mode: large ? 'slide' : 'whole' });
  const classMap = Int32Array.from(await classes.data());
  const ms = performance.now() - t0;
  classes.dispose();

  // the attention maps: one more pass over the whole picture, stretched to whole patches as segment's whole mode does
  const t1 = performance.now();
  const p = config.patchSize;
  const grid: [number, number] = [Math.ceil(photo.height / p), Math.ceil(photo.width / p)];
  const maps = tidy(() =>
    noGrad(() => {
      const fitted =
        grid[0] * p === photo.height && grid[1] * p === photo.width
          ? images
          : T.interpolate(images, { size: [grid[0] * p, grid[1] * p], mode: 'bilinear', alignCorners: false });
      return (model.forward(fitted, { attention: true }).attention ?? []).map((a) => a.data);
    }),
  );
  const attention = (await Promise.all(maps.map((m) => m.data()))) as Float32Array[];
  const attentionMs = performance.now() - t1;
  for (const m of maps) m.dispose();
  images.dispose();
  return { backend: await actualBackend(id, backend, tasksBefore), classMap, ms, attention, attentionMs };
}

/**
 * onnxruntime-web on the shipped checkpoint's ONNX export: the mask only (the export's one output is
 * the logits). The classes' names and colours are those of the model our backends ran.
 */
async function runOrt(id: OrtBackendId, photo: Raster): Promise<Pass> {
  if (checkpoint.name !== MODEL_URL)
    throw new Error(
      `onnxruntime-web runs ${ONNX_URL}, the shipped checkpoint's export, not ${checkpoint.name}: ` +
        'choose one of our backends, or export yours with setr export --checkpoint FILE --onnx FILE --dynamic',
    );
  if (!trained) throw new Error('onnxruntime-web: run one of our backends first (the page takes the classes from its model)');
  const session = await ortSession(id);
  const t0 = performance.now();
  const { classes, logits } = await ortSegment(session, photo, trained.model.config.patchSize);
  const ms = performance.now() - t0;
  return { backend: await actualOrt(id), classMap: classes, ms, attention: [], attentionMs: 0, logits };
}

async function runOnce(): Promise<void> {
  if (!picture) return;
  const id = ui.backend.value as DemoBackendId;
  const { name, photo } = picture;
  demo.error = null;
  setState('running', `running on ${ui.backend.selectedOptions[0]?.textContent ?? id}…`);
  await nextFrame(); // let the page show it before the main thread gets busy
  const pass = isOrt(id) ? await runOrt(id, photo) : await runOurs(id, photo);
  const { config } = (trained as NonNullable<typeof trained>).model;
  const p = config.patchSize;
  const timeKey = `${id} ${photo.height}×${photo.width}`;
  demo.times[timeKey] = [...(demo.times[timeKey] ?? []), pass.ms];
  const plain: RunResult = {
    picture: name,
    backend: pass.backend,
    height: photo.height,
    width: photo.width,
    rgb: Array.from(photo.data),
    classes: Array.from(pass.classMap),
    ms: pass.ms,
    attentionMs: pass.attentionMs,
    liveTensors: T.memory().numTensors,
    ...(pass.logits ? { logits: Array.from(pass.logits) } : {}),
  };
  const grid: [number, number] = [Math.ceil(photo.height / p), Math.ceil(photo.width / p)];
  result = { ...plain, classMap: pass.classMap, attention: pass.attention, grid, clsToken: config.withClsToken };
  demo.last = plain;
  demo.runs++;
  showResult();
}

let running: Promise<void> | null = null;
let again = false;

/** Runs the model on the current choices; a change during a run runs it again afterwards. */
function schedule(): void {
  if (running) {
    again = true;
    return;
  }
  running = (async () => {
    do {
      again = false;
      try {
        await runOnce();
        if (!again) setState('done', `${result?.picture}: done`);
      } catch (e) {
        console.error(e);
        demo.error = (e as Error).message;
        setState('error', `error: ${(e as Error).message}`);
        again = false;
      }
    } while (again);
    running = null;
  })();
}

// ----- showing -----

function scaleFor(photo: Raster): number {
  return Math.max(1, Math.min(8, Math.floor(Math.min(512 / photo.width, 384 / photo.height))));
}

function showResult(): void {
  if (!picture || !trained) return;
  const { photo, name, note } = picture;
  const m = trained.model;
  const scale = scaleFor(photo);
  const current = result && result.picture === name ? result : null;
  drawPrediction(ui.view, photo, current?.classMap ?? null, palette(m), Number(ui.alpha.value) / 100, scale);
  ui.viewCaption.textContent = `${name}, ${photo.height}×${photo.width}${note}: the predicted classes over the photo (drop a picture or a checkpoint here)`;
  showLegend(m, current?.classMap ?? null);
  if (!current) return;
  ui.actual.textContent = `ran on: ${current.backend.summary}`;
  const times = demo.times[`${current.backend.id} ${current.height}×${current.width}`] ?? [];
  const best = Math.min(...times);
  const attention = current.attention.length > 0 ? `the attention pass: ${current.attentionMs.toFixed(0)} ms` : 'no attention pass';
  ui.timing.textContent =
    `time per image: ${current.ms.toFixed(0)} ms (best of ${times.length} run${times.length > 1 ? 's' : ''} at this size on this backend: ${best.toFixed(0)} ms; ` +
    `the first run on a backend includes compiling its kernels); ${attention}`;
  showAttention(current, photo, scale);
}

function showAttention(r: Result, photo: Raster, scale: number): void {
  const [gh, gw] = r.grid;
  const [row, col] = hover ?? [Math.floor(gh / 2), Math.floor(gw / 2)];
  const layer = Number(ui.layer.value);
  const head = ui.head.value;
  const maps = r.attention[layer];
  if (!maps) {
    ui.attention.getContext('2d')?.clearRect(0, 0, ui.attention.width, ui.attention.height);
    ui.attentionCaption.textContent = 'no attention maps: the ONNX export outputs only the logits (our backends show them)';
    return;
  }
  const first = r.clsToken ? 1 : 0; // the first patch token
  const tokens = first + gh * gw;
  const heads = maps.length / (tokens * tokens);
  const query = first + row * gw + col;
  const weights = new Float32Array(gh * gw);
  let cls = 0;
  const used = head === 'mean' ? Array.from({ length: heads }, (_, h) => h) : [Number(head)];
  for (const h of used) {
    const base = (h * tokens + query) * tokens;
    if (r.clsToken) cls += maps[base] / used.length;
    for (let k = 0; k < gh * gw; k++) weights[k] += maps[base + first + k] / used.length;
  }
  drawAttention(ui.attention, photo, weights, r.grid, scale);
  outlinePatch(ui.attention, row, col, r.grid);
  outlinePatch(ui.view, row, col, r.grid);
  const who = head === 'mean' ? 'the mean of its heads' : `head ${Number(head) + 1}`;
  ui.attentionCaption.textContent =
    `layer ${layer + 1}, ${who}: where patch (${row + 1}, ${col + 1}) of ${gh}×${gw} looks ` +
    `(brighter = more attention; ${r.clsToken ? `${(100 * cls).toFixed(1)}% goes to the cls token` : 'this encoder has no cls token'})`;
}

function showLegend(m: TrainedModel, classes: Int32Array | null): void {
  const counts = new Array(m.config.numClasses).fill(0);
  if (classes) for (const c of classes) counts[c]++;
  const total = classes?.length ?? 1;
  ui.legend.replaceChildren(...legendItems(classNames(m), palette(m), classes ? counts.map((c) => c / total) : null));
}

function fillAttentionChoices(m: TrainedModel): void {
  const { depth, numHeads } = m.config;
  if (ui.layer.options.length !== depth) {
    ui.layer.replaceChildren(...Array.from({ length: depth }, (_, i) => new Option(`${i + 1} of ${depth}`, String(i))));
    ui.layer.value = String(depth - 1);
  }
  if (ui.head.options.length !== numHeads + 1) {
    ui.head.replaceChildren(
      new Option('mean of heads', 'mean'),
      ...Array.from({ length: numHeads }, (_, i) => new Option(`${i + 1}`, String(i))),
    );
  }
}

function showModel(m: TrainedModel, metrics: Metrics | null): void {
  const c = m.config;
  const params = countParameters(m.model).total;
  const lines = [
    `<b>${checkpoint.name}</b>`,
    `SETR-${c.decoder.kind.toUpperCase()}: ViT of ${c.depth} blocks, width ${c.embedDim}, ${c.numHeads} heads, patch ${c.patchSize}; trained at ${c.imgSize[0]}×${c.imgSize[1]}; ${c.numClasses} classes; ${params.toLocaleString('en')} parameters`,
  ];
  if (metrics && checkpoint.name === MODEL_URL) {
    const best = metrics.epochs.find((e) => e.epoch === metrics.best.epoch) ?? metrics.epochs[metrics.epochs.length - 1];
    lines.push(
      `best epoch ${best.epoch} of ${metrics.epochs.length} (${(metrics.seconds / 60).toFixed(1)} minutes of training on a 2-core CPU):`,
      `validation mIoU <b>${best.valMeanIoU.toFixed(3)}</b>, pixel accuracy ${best.valPixelAccuracy.toFixed(3)}, mean class accuracy ${best.valMeanClassAccuracy.toFixed(3)} (101 CamVid validation photos)`,
    );
    drawCurve(
      ui.curve,
      metrics.epochs.map((e) => e.valMeanIoU),
      metrics.epochs.indexOf(best),
    );
    ui.iou.replaceChildren(
      ...metrics.classNames.map((n, i) => {
        const tr = document.createElement('tr');
        const v = best.valIoU[i];
        tr.innerHTML = `<td>${n}</td><td>${v.toFixed(3)}</td><td class="bar"><span style="width: ${(100 * v).toFixed(0)}%"></span></td>`;
        return tr;
      }),
    );
  } else {
    lines.push('your own checkpoint: metrics.json belongs to the shipped one, so none are shown');
    ui.iou.replaceChildren();
    ui.curve.getContext('2d')?.clearRect(0, 0, ui.curve.width, ui.curve.height);
  }
  ui.modelInfo.innerHTML = lines.map((l) => `<div>${l}</div>`).join('');
}

// ----- wiring -----

function pictureUnder(e: MouseEvent): [number, number] | null {
  if (!result) return null;
  const rect = (e.target as HTMLCanvasElement).getBoundingClientRect();
  const [gh, gw] = result.grid;
  const row = Math.floor(((e.clientY - rect.top) / rect.height) * gh);
  const col = Math.floor(((e.clientX - rect.left) / rect.width) * gw);
  return row >= 0 && row < gh && col >= 0 && col < gw ? [row, col] : null;
}

async function handleFile(file: File): Promise<void> {
  try {
    if (file.name.endsWith('.safetensors')) {
      await chooseCheckpoint(file.name, new Uint8Array(await file.arrayBuffer()));
      const probe = trainedModelFromBytes(checkpoint.bytes, checkpoint.name);
      fillAttentionChoices(probe);
      showModel(probe, null);
      probe.model.dispose();
    } else {
      await choosePicture(file.name, file);
    }
    showResult();
    schedule();
  } catch (e) {
    setState('error', `error: ${(e as Error).message}`);
  }
}

async function main(): Promise<void> {
  T.setLogger((m) => console.info(m));
  const [bytes, metrics, list, choices] = await Promise.all([
    fetchBytes(MODEL_URL),
    fetch(METRICS_URL).then((r) => (r.ok ? (r.json() as Promise<Metrics>) : null)),
    fetch(SAMPLES_URL).then((r) => r.text()),
    backendChoices(),
  ]);
  demo.choices = [...choices, ...ortChoices(choices)];
  const first = (choices.find((c) => !c.unavailable) as BackendChoice).id;
  await useBackend(first); // the model is built on a backend the page chose, never on a default
  checkpoint = { bytes, name: MODEL_URL };
  const probe = trainedModelFromBytes(bytes, MODEL_URL);
  fillAttentionChoices(probe);
  showModel(probe, metrics);
  probe.model.dispose();

  ui.backend.replaceChildren(...backendOptions(demo.choices));
  ui.backend.value = first;
  const names = list
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0]?.split('/').pop() ?? '')
    .filter((n) => n.endsWith('.png'));
  ui.sample.replaceChildren(...names.map((n) => new Option(n, n)));

  ui.backend.addEventListener('change', schedule);
  ui.run.addEventListener('click', schedule);
  ui.sample.addEventListener('change', async () => {
    ui.imageFile.value = ''; // the photo replaces a picture of one's own
    await choosePicture(ui.sample.value, new Blob([await fetchBytes(sampleUrl(ui.sample.value))]));
    showResult();
    schedule();
  });
  ui.imageFile.addEventListener('change', () => ui.imageFile.files?.[0] && handleFile(ui.imageFile.files[0]));
  ui.checkpointFile.addEventListener('change', () => ui.checkpointFile.files?.[0] && handleFile(ui.checkpointFile.files[0]));
  for (const el of [ui.layer, ui.head, ui.alpha]) el.addEventListener('input', showResult);
  for (const canvas of [ui.view, ui.attention]) {
    canvas.addEventListener('mousemove', (e) => {
      const at = pictureUnder(e);
      if (at && (!hover || at[0] !== hover[0] || at[1] !== hover[1])) {
        hover = at;
        showResult();
      }
    });
  }
  ui.view.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.view.classList.add('dragging');
  });
  ui.view.addEventListener('dragleave', () => ui.view.classList.remove('dragging'));
  ui.view.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.view.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file) void handleFile(file);
  });

  setState('ready', 'ready');
  await choosePicture(names[0], new Blob([await fetchBytes(sampleUrl(names[0]))]));
  showResult();
  schedule();
}

main().catch((e) => {
  console.error(e);
  demo.error = (e as Error).message;
  setState('error', `error: ${(e as Error).message}`);
});
