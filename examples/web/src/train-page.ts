/**
 * The training page: SETR-Tiny (Naive, PUP or MLA, in either style) learns the bundled CamVid in the
 * browser, on the backend chosen on the page, through the very loop `setr train` runs (`trainLoop` of
 * `@setr-ts/setr`): the run's files — checkpoint, metrics.json, best.safetensors — go to IndexedDB
 * (`indexedDbRunFiles`) instead of a folder, CamVid comes from this site as PNG files decoded in
 * JavaScript (`fetchCamVid`). After every step the progress and the loss curve move; after every
 * epoch the validation mIoU and a grid of predictions by the model as trained so far. Pause holds the
 * loop between two steps; Stop ends it after the step in progress (the last complete epoch stays
 * saved); Train on a saved run resumes it exactly, as `setr train --resume` does, also after a reload.
 * While a tab trains (or discards) a run it holds the run's Web Lock (`lockIndexedDbRun`), so a second
 * tab on the same run is refused with the reason, as a second `setr train` on one folder is.
 *
 * The address may set the run: `?model=setr-tiny-mla&epochs=4&seed=0&backend=wasm-1&train=40&val=8`
 * (`train`, `val`: the first N pictures of each split, for a smoke run). `window.setrTrain` exposes the
 * state for the browser test.
 */
import {
  BEST_MODEL_FILE,
  CAMVID_CLASS_WEIGHTS,
  type CheckpointState,
  type EpochRecord,
  fetchCamVid,
  imagesToTensor,
  indexedDbRunFiles,
  lockIndexedDbRun,
  predictionGrid,
  preset,
  presetNames,
  type RunFiles,
  raster,
  readCheckpoint,
  type SegmentationDataset,
  type Setr,
  type StepProgress,
  segment,
  trainLoop,
} from '@setr-ts/setr';
import type { WasmBackend } from '@setr-ts/tensor';
import { type BackendChoice, type BackendId, backendChoices, backendOptions, useBackend } from './backends.js';
import { drawCurve, drawLossCurve, legendItems, rasterCanvas } from './draw.js';

const CAMVID_URL = new URL('data/camvid/96x128', location.href).href;
const MODELS = presetNames().filter((n) => n.startsWith('setr-tiny-'));
/** Validation pictures in the prediction grid, spread over the split. */
const GRID_ROWS = 4;
/** The page's own file beside the run's: every step's loss up to the checkpoint, so a reload redraws the curve. */
const LOSSES_FILE = 'page-losses.json';

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const ui = {
  model: $<HTMLSelectElement>('model'),
  backend: $<HTMLSelectElement>('backend'),
  epochs: $<HTMLInputElement>('epochs'),
  seed: $<HTMLInputElement>('seed'),
  train: $<HTMLButtonElement>('train'),
  pause: $<HTMLButtonElement>('pause'),
  stop: $<HTMLButtonElement>('stop'),
  discard: $<HTMLButtonElement>('discard'),
  download: $<HTMLButtonElement>('download'),
  state: $('state'),
  progress: $<HTMLProgressElement>('progress'),
  progressText: $('progress-text'),
  saved: $('saved'),
  actual: $('actual'),
  loss: $<HTMLCanvasElement>('loss'),
  miou: $<HTMLCanvasElement>('miou'),
  epochTable: $<HTMLTableElement>('epochs'),
  gridHead: $('grid-head'),
  grid: $<HTMLCanvasElement>('grid'),
  gridCaption: $('grid-caption'),
  legend: $('legend'),
};

/** What the page shows and the browser test reads. */
const page = {
  /** loading | ready | training | paused | stopped | done | error */
  state: 'loading',
  error: null as string | null,
  choices: [] as BackendChoice[],
  /** The run's name in IndexedDB: the model and the data's subset. */
  run: '',
  /** Every step's loss so far, earlier calls of a resumed run included (index = step − 1). */
  losses: [] as number[],
  step: 0,
  totalSteps: 0,
  /** The validated epochs: number, mean loss, validation mIoU. */
  epochs: [] as { epoch: number; loss: number; valMeanIoU: number }[],
  /** The checkpoint in IndexedDB: its epoch and step, or null. */
  saved: null as { epoch: number; step: number; epochs: number } | null,
  /** True while Pause holds the loop between two steps. */
  held: false,
  /** The epoch the last Train resumed from (null: a new run). */
  resumedFrom: null as number | null,
  backend: '',
  imagesPerSecond: 0,
  /** `performance.now()` at the end of each step of this page's run (for the measurement script). */
  stepsAt: [] as number[],
  /** The largest wasm memory seen, in bytes (the tensors live there), and the JS heap then. */
  peakWasmBytes: 0,
  peakJsHeapBytes: 0,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
};
(globalThis as { setrTrain?: typeof page }).setrTrain = page;

const params = new URLSearchParams(location.search);
const subset = { train: Number(params.get('train') ?? 0), val: Number(params.get('val') ?? 0) };
let data: { train: SegmentationDataset; val: SegmentationDataset } | null = null;
let stop: AbortController | null = null;
let paused: { resolve: () => void; promise: Promise<void> } | null = null;

function setState(state: string, text: string): void {
  page.state = state;
  ui.state.dataset.state = state;
  ui.state.textContent = text;
}

/** Enables the buttons that make sense in the page's state. */
function syncButtons(): void {
  const busy = page.state === 'training' || page.state === 'paused';
  ui.train.disabled = busy || !data;
  ui.train.textContent = page.saved && page.saved.epoch < page.saved.epochs ? 'Resume training' : 'Train';
  ui.pause.disabled = !busy;
  ui.pause.textContent = page.state === 'paused' ? 'Continue' : 'Pause';
  ui.stop.disabled = !busy;
  ui.discard.disabled = busy || !page.saved;
  ui.download.disabled = busy ? page.epochs.length === 0 : !page.saved;
  for (const el of [ui.model, ui.backend, ui.epochs, ui.seed]) el.disabled = busy;
}

const runName = () => `${ui.model.value}${subset.train ? `-train${subset.train}` : ''}${subset.val ? `-val${subset.val}` : ''}`;
const runFiles = (): RunFiles => indexedDbRunFiles(page.run);

/** The checkpoint of the run in IndexedDB, or null. */
async function savedCheckpoint(files: RunFiles): Promise<CheckpointState | null> {
  return (await files.read('checkpoint.json')) ? readCheckpoint(files) : null;
}

/** Shows the run of the chosen model: its checkpoint, curves and table, or an empty page for a new one. */
async function showRun(): Promise<void> {
  page.run = runName();
  const files = runFiles();
  const saved = await savedCheckpoint(files);
  const losses = await files.read(LOSSES_FILE);
  page.saved = saved && { epoch: saved.epoch, step: saved.step, epochs: saved.epochs };
  page.losses = losses && saved ? (JSON.parse(new TextDecoder().decode(losses)) as number[]).slice(0, saved.step) : [];
  page.epochs = (saved?.history ?? []).map(({ epoch, loss, valMeanIoU }) => ({ epoch, loss, valMeanIoU }));
  page.step = saved?.step ?? 0;
  const config = saved?.config ?? preset(ui.model.value);
  if (saved) {
    ui.epochs.value = String(saved.epochs);
    ui.seed.value = String(saved.seed);
  } else if (!params.has('epochs')) ui.epochs.value = String(config.train.epochs);
  page.totalSteps = Number(ui.epochs.value) * stepsPerEpoch(config.train.batchSize);
  ui.saved.textContent = saved
    ? `saved in ${files.where}: epoch ${saved.epoch} of ${saved.epochs} (step ${saved.step}), best val mIoU ${Math.max(...saved.history.map((r) => r.valMeanIoU)).toFixed(4)}`
    : `no run of ${page.run} is saved in this browser`;
  drawProgress(null);
  drawEpochs();
  syncButtons();
}

const stepsPerEpoch = (batchSize: number) => Math.floor((data?.train.length ?? 0) / batchSize);

function drawProgress(p: StepProgress | null): void {
  ui.progress.max = Math.max(1, page.totalSteps);
  ui.progress.value = page.step;
  if (!p) {
    ui.progressText.textContent = `step ${page.step} of ${page.totalSteps}`;
    return;
  }
  const seconds = ((page.totalSteps - page.step) * preset(ui.model.value).train.batchSize) / p.imagesPerSecond;
  const eta =
    seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(0)} s`;
  ui.progressText.textContent =
    `step ${page.step} of ${page.totalSteps} · epoch ${p.epoch + 1} of ${p.epochs}, batch ${p.batch}/${p.batches} · ` +
    `loss ${p.loss.toFixed(4)} · lr ${p.lr.toExponential(2)} · ${p.imagesPerSecond.toFixed(1)} images/s · ETA ${eta} (training steps; validation adds to it)`;
  drawLossCurve(ui.loss, page.losses, p.batches, page.totalSteps);
}

function drawEpochs(): void {
  const values = page.epochs.map((e) => e.valMeanIoU);
  if (values.length > 0) drawCurve(ui.miou, values, values.indexOf(Math.max(...values)));
  else ui.miou.getContext('2d')?.clearRect(0, 0, ui.miou.width, ui.miou.height);
  if (page.losses.length > 0) drawLossCurve(ui.loss, page.losses, stepsPerEpoch(preset(ui.model.value).train.batchSize), page.totalSteps);
  else ui.loss.getContext('2d')?.clearRect(0, 0, ui.loss.width, ui.loss.height);
  ui.epochTable.innerHTML =
    '<tr><th>epoch</th><th>mean loss</th><th>val mIoU</th></tr>' +
    page.epochs
      .slice(-8)
      .map((e) => `<tr><td>${e.epoch}</td><td>${e.loss.toFixed(4)}</td><td>${e.valMeanIoU.toFixed(4)}</td></tr>`)
      .join('');
}

/** The prediction grid: photo | truth | prediction for {@link GRID_ROWS} validation pictures, by `model` as it is now. */
async function drawPredictions(model: Setr, epoch: number): Promise<void> {
  const val = (data as NonNullable<typeof data>).val;
  const n = Math.min(GRID_ROWS, val.length);
  const samples = Array.from({ length: n }, (_, i) => val.get(Math.floor((i * val.length) / n)));
  const images = imagesToTensor(samples.map((s) => s.image)); // [n, 3, H, W]
  const classes = await segment(model, images); // [n, H, W]
  const values = await classes.data();
  images.dispose();
  classes.dispose();
  const [h, w] = [val.height, val.width];
  const rows = samples.map((s, i) => ({
    image: s.image,
    truth: s.label,
    prediction: raster(h, w, 1, Uint8Array.from(values.subarray(i * h * w, (i + 1) * h * w))),
  }));
  const picture = predictionGrid(rows, val.palette, 1);
  ui.grid.width = picture.width;
  ui.grid.height = picture.height;
  (ui.grid.getContext('2d') as CanvasRenderingContext2D).drawImage(rasterCanvas(picture), 0, 0);
  ui.gridHead.style.width = `${picture.width}px`;
  ui.gridHead.innerHTML = ['photo', 'truth', 'prediction'].map((t) => `<span style="flex: 1">${t}</span>`).join('');
  ui.gridCaption.textContent = `after epoch ${epoch}: validation photos, their labels (void in black) and the model's prediction`;
}

function noteMemory(backend: unknown): void {
  const b = backend as Partial<WasmBackend>;
  const wasm = b.name === 'wasm' && b.stats ? b.stats().memoryBytes : 0;
  const heap = (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
  if (wasm >= page.peakWasmBytes) [page.peakWasmBytes, page.peakJsHeapBytes] = [wasm, heap];
}

/** Why the run is not locked where this browser has no Web Locks (shown with the backend), or ''. */
let lockNote = '';
/** The run's Web Lock for this tab, or an error naming why not (another tab trains the run). */
const lockRun = () =>
  lockIndexedDbRun(page.run, (note) => {
    lockNote = note;
  });

/** Train: takes the run's lock (or is refused), trains or resumes, and lets the lock go however it ends. */
async function train(): Promise<void> {
  const lock = await lockRun();
  try {
    await trainLocked();
  } finally {
    lock.release();
  }
}

/** The run, trained (or resumed from its checkpoint) to the end or to Stop; the caller holds its lock. */
async function trainLocked(): Promise<void> {
  const { train: trainSet, val } = data as NonNullable<typeof data>;
  const files = runFiles();
  const saved = await savedCheckpoint(files);
  const backend = await useBackend(ui.backend.value as BackendId);
  page.backend = backend.description;
  ui.actual.textContent = `computing on ${backend.description}; the run's files in ${files.where}${lockNote ? `; ${lockNote}` : ''}`;
  page.resumedFrom = saved ? saved.epoch : null;
  page.losses = page.losses.slice(0, saved?.step ?? 0);
  const config = saved?.config ?? preset(ui.model.value);
  stop = new AbortController();
  setState('training', saved ? `resuming ${page.run} from epoch ${saved.epoch}…` : `training ${page.run}…`);
  syncButtons();
  const result = await trainLoop(files, {
    config,
    train: trainSet,
    val,
    seed: Number(ui.seed.value),
    epochs: Number(ui.epochs.value),
    resume: saved !== null,
    classWeights: CAMVID_CLASS_WEIGHTS,
    signal: stop.signal,
    onStep: async (p) => {
      page.step = p.step;
      page.losses[p.step - 1] = p.loss;
      page.imagesPerSecond = p.imagesPerSecond;
      page.stepsAt.push(performance.now());
      page.totalSteps = p.epochs * p.batches;
      drawProgress(p);
      noteMemory(backend);
      page.held = paused !== null;
      await paused?.promise;
      page.held = false;
      await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint and take clicks between steps
    },
    onEpoch: async (record: EpochRecord, model: Setr) => {
      page.epochs.push({ epoch: record.epoch, loss: record.loss, valMeanIoU: record.valMeanIoU });
      await files.write(LOSSES_FILE, new TextEncoder().encode(JSON.stringify(page.losses.slice(0, record.step))));
      const now = await savedCheckpoint(files);
      page.saved = now && { epoch: now.epoch, step: now.step, epochs: now.epochs };
      ui.saved.textContent = `saved in ${files.where} after epoch ${record.epoch}: val mIoU ${record.valMeanIoU.toFixed(4)}`;
      drawEpochs();
      await drawPredictions(model, record.epoch);
      syncButtons();
    },
  });
  result.model.dispose();
  stop = null;
  const best = result.best ? `best val mIoU ${result.best.valMeanIoU.toFixed(4)} (epoch ${result.best.epoch})` : 'no epoch completed';
  if (result.interrupted) setState('stopped', `stopped after step ${page.step}; ${best}; Train resumes from the last complete epoch`);
  else setState('done', `finished ${result.history.length} epochs in ${(result.seconds / 60).toFixed(1)} min; ${best}`);
  syncButtons();
}

async function downloadBest(): Promise<void> {
  const bytes = await runFiles().read(BEST_MODEL_FILE);
  if (!bytes) throw new Error(`${runFiles().path(BEST_MODEL_FILE)}: no best model yet (it is saved after the first epoch)`);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  a.download = `${page.run}-best.safetensors`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

async function discard(): Promise<void> {
  const files = runFiles();
  const lock = await lockRun();
  try {
    for (const name of await files.list()) await files.remove(name);
  } finally {
    lock.release();
  }
  setState('ready', `${page.run}: its saved files are deleted; Train starts it anew`);
  await showRun();
}

function togglePause(): void {
  if (paused) {
    paused.resolve();
    paused = null;
    setState('training', `training ${page.run}…`);
  } else {
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    paused = { resolve, promise };
    setState('paused', `paused at step ${page.step}: Continue goes on with the next step`);
  }
  syncButtons();
}

/** Runs `action`, showing its error on the page. */
function guarded(action: () => Promise<void> | void): () => void {
  return () => {
    Promise.resolve()
      .then(action)
      .catch((e) => {
        console.error(e);
        page.error = (e as Error).message;
        setState('error', `error: ${(e as Error).message}`);
        syncButtons();
      });
  };
}

async function main(): Promise<void> {
  ui.model.replaceChildren(...MODELS.map((n) => new Option(n, n)));
  ui.model.value = params.get('model') ?? 'setr-tiny-pup';
  ui.epochs.value = params.get('epochs') ?? String(preset(ui.model.value).train.epochs);
  ui.seed.value = params.get('seed') ?? '0';
  const choices = await backendChoices();
  page.choices = choices;
  ui.backend.replaceChildren(...backendOptions(choices));
  const wanted = choices.find((c) => c.id === params.get('backend') && !c.unavailable) ?? choices.find((c) => !c.unavailable);
  ui.backend.value = (wanted as BackendChoice).id;
  await showRun();

  const size = preset(ui.model.value).imgSize;
  const [trainSplit, valSplit] = await Promise.all([fetchCamVid(CAMVID_URL, 'train', { size }), fetchCamVid(CAMVID_URL, 'val', { size })]);
  data = {
    train: subset.train ? trainSplit.slice(0, subset.train) : trainSplit,
    val: subset.val ? valSplit.slice(0, subset.val) : valSplit,
  };
  ui.legend.replaceChildren(...legendItems(valSplit.classNames, valSplit.palette, null));
  await showRun();
  setState('ready', `CamVid loaded: ${data.train.length} training and ${data.val.length} validation pictures at ${size.join('×')}`);
  syncButtons();

  ui.model.addEventListener('change', guarded(showRun));
  ui.epochs.addEventListener('change', guarded(showRun));
  ui.train.addEventListener('click', guarded(train));
  ui.pause.addEventListener('click', guarded(togglePause));
  ui.stop.addEventListener('click', () => {
    paused?.resolve();
    paused = null;
    stop?.abort();
    setState('training', 'stopping after the step in progress…');
  });
  ui.discard.addEventListener('click', guarded(discard));
  ui.download.addEventListener('click', guarded(downloadBest));
}

guarded(main)();
