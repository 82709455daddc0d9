/**
 * A SETR-Tiny training step side by side with PyTorch (issue #11): per config, at the config's 96×128
 * and batch 8, the time of a full training step — forward in training mode, SETR's loss (decoder +
 * 0.4 × each auxiliary head, 255 ignored), backward, AdamW, dropping the gradients — and of an
 * evaluation forward at batch 1 and 8; ours on the chosen backend, PyTorch 1.13 on 1 and 2 threads
 * (bench/torch_peer.py: the torch.nn SETR of scripts/gen_fixtures.py built from the same config, whose
 * parameter count must equal ours). Medians of several runs after a warm-up. Ratio = PyTorch's best
 * (its fastest thread count) ÷ ours: ≥ 1.0 means we are at least as fast. Also the memory of a step
 * (live tensors and bytes, the wasm heap, the process's RSS). Each config runs in a fresh process
 * of each side, so the peak RSS and the wasm heap are that config's, and ours and PyTorch's numbers
 * of a config are taken in the same minute. The evaluation forward is also timed in onnxruntime-node,
 * on the same thread counts as PyTorch, on the same model exported to ONNX (bench/onnxruntime-peer.ts).
 * Writes bench-results/step.json.
 *
 *   npm run bench                                   all three tiny configs, wasm, PyTorch on 1 and 2 threads
 *   npm run bench -- --configs setr-tiny-mla --reps 9
 *   npm run bench -- --quick                        a smoke run: one config, one rep
 *   npm run bench -- --backend gpujs --configs setr-tiny-pup    one step (~75 s on Mesa llvmpipe)
 *   npm run bench -- --steps 1000                   memory over 1000 steps of setr-tiny-mla (flat or not)
 *
 * The PyTorch side runs where a python3 with torch is found ($SETR_PYTHON, else python3, else
 * /usr/bin/python3); otherwise one line says it was skipped and why. Its speed hangs on the BLAS it
 * loads (see torch_peer.py); the table's header names it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { noGrad, tidy, variable } from '@setr-ts/autograd';
import { type Backend, memory, randn, setBackend, setLogger, WasmBackend } from '@setr-ts/tensor';
import { preset, type SetrConfig } from '../src/index.js';
import { benchLabel, median, type StepPoint, TrainingStep, timeRuns } from '../src/train/bench-step.js';
import { type OnnxruntimeTimes, timeOnnxruntime } from './onnxruntime-peer.js';

process.env.EGL_PLATFORM ??= 'surfaceless'; // Dawn's OpenGL ES backend (gpu.js webgpu on Mesa) needs no display with this

const HERE = dirname(fileURLToPath(import.meta.url));
const TINY = ['setr-tiny-naive', 'setr-tiny-pup', 'setr-tiny-mla'];
const MB = 1024 * 1024;

const OPTIONS = {
  configs: { type: 'string' },
  reps: { type: 'string' },
  warmup: { type: 'string' },
  threads: { type: 'string', default: '1,2' },
  backend: { type: 'string', default: 'wasm' },
  batch: { type: 'string', default: '8' },
  steps: { type: 'string' },
  quick: { type: 'boolean', default: false },
  out: { type: 'string' },
  worker: { type: 'string' }, // internal: measure one config in this process and print JSON
  help: { type: 'boolean', default: false },
} as const;

const HELP = `usage: tsx bench/step.ts [flags]            (npm run bench -- [flags])
  --configs a,b     tiny configs (default all three; --steps and --quick: setr-tiny-mla)
  --reps N          timed runs (default 5; gpujs and --quick 1); evaluation at batch 1 runs 4× as many
  --warmup N        untimed runs after the first step (default 2; gpujs and --quick 0)
  --threads 1,2     PyTorch's and onnxruntime's thread counts (default 1,2); none: leave both out
  --backend NAME    ours: wasm (default), gpujs or reference; SETR_THREADS sets wasm's threads
  --batch N         training batch (default 8)
  --quick           a smoke run: setr-tiny-mla, one run of each
  --steps N         memory mode: N training steps of one config, live tensors, bytes and RSS every N/10 steps
  --out FILE        the JSON written (default bench-results/step.json; --steps: bench-results/step-memory.json)`;

/** A positive integer flag. */
function intFlag(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`--${name} ${v} is not an integer ≥ ${min}`);
  return n;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

function parseFlags() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (e) {
    fail(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
}
const flags = parseFlags();

const slow = flags.backend === 'gpujs'; // tens of seconds a step on a software rasteriser
const configs = (flags.configs ?? (flags.quick || flags.steps ? 'setr-tiny-mla' : TINY.join(','))).split(',').filter(Boolean);
const reps = intFlag('reps', flags.reps, flags.quick || slow ? 1 : 5);
const warmup = intFlag('warmup', flags.warmup, flags.quick || slow ? 0 : 2, 0);
const batch = intFlag('batch', flags.batch, 8);
/** Evaluation runs: batch 1 is short, so four times as many. */
const evalPlan = [
  { batch: 1, reps: flags.quick || slow ? reps : 4 * reps },
  { batch: 8, reps },
];
const threads = flags.threads === 'none' ? [] : flags.threads.split(',').map((t) => intFlag('threads', t, 1));
for (const c of configs) {
  try {
    preset(c);
  } catch (e) {
    fail((e as Error).message);
  }
}

// ----- our side: one config in this process -----

/** What a worker measures for one config. */
interface OurResult {
  backend: string;
  params: number;
  labels: { sum: number; void: number };
  firstLoss: number;
  train: number[];
  eval: Record<string, number[]>;
  /** The evaluation forward in onnxruntime-node, per thread count (null with --threads none). */
  onnxruntime: OnnxruntimeTimes | null;
  memory: {
    tensorsBefore: number;
    tensorsAfter: number;
    bytesBefore: number;
    bytesAfterForward: number;
    bytesAfterBackward: number;
    bytesAfter: number;
    /** The wasm heap (WebAssembly memory, which only grows): the high-water mark of the step's buffers. Null on other backends. */
    heapBytes: number | null;
    rssBytes: number;
    peakRssBytes: number;
  };
}

async function useBackend(): Promise<Backend> {
  setLogger(() => {});
  try {
    return await setBackend(flags.backend);
  } catch (e) {
    fail(`--backend ${flags.backend}: ${(e as Error).message}`);
  }
}

function labelStats(config: SetrConfig): { sum: number; void: number } {
  const [h, w] = config.imgSize;
  let sum = 0;
  let nVoid = 0;
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const l = benchLabel(b, y, x, h, config.numClasses);
        sum += l;
        if (l === 255) nVoid++;
      }
  return { sum, void: nVoid };
}

function heapBytes(backend: Backend): number | null {
  return backend instanceof WasmBackend ? backend.stats().memoryBytes : null;
}

async function measureOurs(name: string): Promise<OurResult> {
  const backend = await useBackend();
  const config = preset(name);
  const s = new TrainingStep(config, batch);
  const firstLoss = await s.run(); // the optimizer's state is created here, and gpu.js compiles its kernels
  const train = await timeRuns(() => s.run(), reps, warmup);

  // one more step, watched: live tensors and bytes before, after forward + loss, after backward, after the step
  const before = memory();
  const at: Partial<Record<StepPoint, number>> = {};
  await s.settle(s.step((point) => (at[point] = memory().numBytes)));
  const after = memory();
  const mem: OurResult['memory'] = {
    tensorsBefore: before.numTensors,
    tensorsAfter: after.numTensors,
    bytesBefore: before.numBytes,
    bytesAfterForward: at.forward ?? Number.NaN,
    bytesAfterBackward: at.backward ?? Number.NaN,
    bytesAfter: after.numBytes,
    heapBytes: heapBytes(backend),
    rssBytes: process.memoryUsage().rss,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };

  s.model.eval();
  const evalMs: Record<string, number[]> = {};
  for (const e of evalPlan) {
    const x = randn([e.batch, 3, ...config.imgSize]);
    evalMs[e.batch] = await timeRuns(
      async () => {
        const logits = tidy(() => noGrad(() => s.model.forward(variable(x)).logits.data));
        await logits.data();
        logits.dispose();
      },
      e.reps,
      warmup,
    );
    x.dispose();
  }
  const onnxruntime = threads.length > 0 ? await timeOnnxruntime(s.model, evalPlan, threads, warmup) : null;
  const result = {
    backend: backend.description,
    params: s.model.numParameters(),
    labels: labelStats(config),
    firstLoss,
    train,
    eval: evalMs,
    onnxruntime,
    memory: mem,
  };
  s.dispose();
  return result;
}

// ----- the PyTorch side -----

interface PeerResult {
  python: string;
  torch: string;
  blas: { path: string; kind: string };
  params: number;
  labels: { sum: number; void: number };
  firstLoss: number;
  peakRssMB: number;
  runs: Record<string, { train: number[]; sgemmGflops: number; eval: Record<string, number[]> }>;
}

/** The python with torch to run the peer with, or why there is none. */
function findPython(): { python: string } | { skipped: string } {
  if (threads.length === 0) return { skipped: '--threads none' };
  const candidates = process.env.SETR_PYTHON ? [process.env.SETR_PYTHON] : ['python3', '/usr/bin/python3'];
  const why: string[] = [];
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: ['ignore', 'ignore', 'pipe'] });
      return { python };
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer };
      why.push(`${python}: ${err.code === 'ENOENT' ? 'not found' : (err.stderr?.toString().trim().split('\n').at(-1) ?? 'failed')}`);
    }
  }
  return { skipped: `no python3 with torch (${why.join('; ')}; set SETR_PYTHON)` };
}

/** Runs `cmd args` with `input` on stdin; its stdout parsed as JSON (its stderr passes through). */
function runJson<T>(cmd: string, args: string[], input: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with status ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as T);
      } catch {
        reject(new Error(`${cmd} ${args.join(' ')} printed no JSON: ${out.slice(0, 200)}`));
      }
    });
    child.stdin.end(input);
  });
}

function runPeer(python: string, name: string): Promise<PeerResult> {
  const request = { config: preset(name), batch, reps, warmup, threads, eval: evalPlan };
  return runJson<PeerResult>(python, [join(HERE, 'torch_peer.py')], JSON.stringify(request));
}

/** Our side of one config, in a fresh process (this script with --worker). */
function runOurs(name: string): Promise<OurResult> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--worker', name];
  args.push(
    '--backend',
    flags.backend,
    '--reps',
    String(reps),
    '--warmup',
    String(warmup),
    '--batch',
    String(batch),
    '--threads',
    flags.threads,
  );
  if (flags.quick) args.push('--quick');
  return runJson<OurResult>(process.execPath, args, '');
}

// ----- the report -----

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const mb = (bytes: number | null) => (bytes === null ? '–' : fmt(bytes / MB));

function formatTable(lines: string[][], firstNumeric: number): string {
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => l.map((c, i) => (i >= firstNumeric ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')).join('\n');
}

interface Row {
  config: string;
  ours: OurResult;
  peer: PeerResult | null;
}

/** PyTorch's median per thread count, and the best of them. */
function peerTimes(peer: PeerResult | null, pick: (r: PeerResult['runs'][string]) => number[]): { byThreads: number[]; best: number } {
  const byThreads = threads.map((t) => (peer ? median(pick(peer.runs[t])) : Number.NaN));
  return { byThreads, best: peer ? Math.min(...byThreads) : Number.NaN };
}

/** onnxruntime's median per thread count and the best of them, for evaluation at batch `b` (NaN for training, which it does not do). */
function onnxruntimeTimes(ours: OurResult, b: number | null): { byThreads: number[]; best: number } {
  const ort = ours.onnxruntime;
  const byThreads = threads.map((t) => (ort && b !== null ? median(ort.eval[t][b]) : Number.NaN));
  return { byThreads, best: Math.min(...byThreads) };
}

function summarize(rows: Row[]) {
  return rows.map(({ config, ours, peer }) => {
    const work = (
      label: string,
      b: number,
      oursMs: number[],
      pick: (r: PeerResult['runs'][string]) => number[],
      evalBatch: number | null,
    ) => {
      const o = median(oursMs);
      const p = peerTimes(peer, pick);
      const ort = onnxruntimeTimes(ours, evalBatch);
      return {
        work: label,
        batch: b,
        oursMs: o,
        pytorchMs: Object.fromEntries(threads.map((t, i) => [t, p.byThreads[i]])),
        pytorchBestMs: p.best,
        // the fastest single runs: on a shared machine noise only adds time
        oursMinMs: Math.min(...oursMs),
        pytorchMinMs: peer ? Math.min(...threads.flatMap((t) => pick(peer.runs[t]))) : null,
        ratio: p.best / o,
        onnxruntimeMs: Object.fromEntries(threads.map((t, i) => [t, ort.byThreads[i]])),
        onnxruntimeBestMs: ort.best,
        onnxruntimeRatio: ort.best / o,
        oursImagesPerSecond: (1000 * b) / o,
        pytorchImagesPerSecond: (1000 * b) / p.best,
        onnxruntimeImagesPerSecond: (1000 * b) / ort.best,
      };
    };
    return {
      config,
      params: { ours: ours.params, pytorch: peer?.params ?? null },
      firstLoss: { ours: ours.firstLoss, pytorch: peer?.firstLoss ?? null },
      work: [
        work(`train step b${batch}`, batch, ours.train, (r) => r.train, null),
        ...evalPlan.map((e) => work(`eval b${e.batch}`, e.batch, ours.eval[e.batch], (r) => r.eval[e.batch], e.batch)),
      ],
      memory: { ...ours.memory, pytorchPeakRssBytes: peer ? peer.peakRssMB * MB : null },
    };
  });
}

function report(rows: Row[], peerNote: string): ReturnType<typeof summarize> {
  const s = summarize(rows);
  // onnxruntime's columns come with its thread counts (none with --threads none)
  const ort = threads.length > 0;
  const speed: string[][] = [
    [
      'config',
      'work',
      'ours ms',
      ...threads.map((t) => `PyTorch ${t}t ms`),
      ...threads.map((t) => `ORT ${t}t ms`),
      'ratio',
      ...(ort ? ['ORT ratio'] : []),
      'ours img/s',
      'PyTorch img/s',
      ...(ort ? ['ORT img/s'] : []),
    ],
  ];
  for (const r of s)
    for (const w of r.work)
      speed.push([
        r.config,
        w.work,
        fmt(w.oursMs),
        ...threads.map((t) => fmt(w.pytorchMs[t])),
        ...threads.map((t) => fmt(w.onnxruntimeMs[t])),
        fmt(w.ratio, 2),
        ...(ort ? [fmt(w.onnxruntimeRatio, 2)] : []),
        fmt(w.oursImagesPerSecond),
        fmt(w.pytorchImagesPerSecond),
        ...(ort ? [fmt(w.onnxruntimeImagesPerSecond)] : []),
      ]);
  console.log(`\n${peerNote}`);
  console.log(
    `ours: ${rows[0].ours.backend}; ${reps} timed runs after ${warmup} warm-up (+1 first step); medians; ratio = PyTorch's best ÷ ours (≥ 1.0: we are at least as fast)${ort ? `; ORT = onnxruntime-node ${rows[0].ours.onnxruntime?.version ?? ''} on the same model exported to ONNX (evaluation only), ORT ratio = its best ÷ ours` : ''}\n`,
  );
  console.log(formatTable(speed, 2));

  const memTable: string[][] = [
    [
      'config',
      'live tensors before → after',
      'live MB at rest',
      'after forward',
      'after backward',
      'wasm heap MB',
      'RSS MB',
      'peak RSS MB',
      'PyTorch peak RSS MB',
    ],
  ];
  for (const r of s) {
    const m = r.memory;
    memTable.push([
      r.config,
      `${m.tensorsBefore} → ${m.tensorsAfter}`,
      mb(m.bytesBefore),
      mb(m.bytesAfterForward),
      mb(m.bytesAfterBackward),
      mb(m.heapBytes),
      mb(m.rssBytes),
      mb(m.peakRssBytes),
      mb(m.pytorchPeakRssBytes),
    ]);
  }
  console.log(`\nmemory of a training step (ours; live = tensors alive, at rest = parameters + optimizer state):\n`);
  console.log(formatTable(memTable, 1));
  return s;
}

// ----- --steps: is memory flat over many steps? -----

async function memoryOverSteps(name: string, n: number): Promise<void> {
  const backend = await useBackend();
  const s = new TrainingStep(preset(name), batch);
  console.log(`${name}, batch ${batch}, ${n} training steps on ${backend.description}:\n`);
  const header = ['step', 'live tensors', 'live MB', 'backend MB', 'wasm heap MB', 'RSS MB', 'ms/step'];
  const samples: {
    step: number;
    tensors: number;
    bytes: number;
    backendBytes: number;
    heap: number | null;
    rss: number;
    msPerStep: number;
  }[] = [];
  const every = Math.max(1, Math.round(n / 10));
  let last = performance.now();
  let lastStep = 0;
  console.log(header.join('  '));
  const sample = (step: number) => {
    const m = memory();
    const now = performance.now();
    samples.push({
      step,
      tensors: m.numTensors,
      bytes: m.numBytes,
      backendBytes: backend.memory().numBytes,
      heap: heapBytes(backend),
      rss: process.memoryUsage().rss,
      msPerStep: step > lastStep ? (now - last) / (step - lastStep) : Number.NaN,
    });
    const x = samples.at(-1)!;
    const row = [String(step), String(x.tensors), mb(x.bytes), mb(x.backendBytes), mb(x.heap), mb(x.rss), fmt(x.msPerStep, 0)];
    console.log(row.map((c, i) => c.padStart(header[i].length)).join('  '));
    last = now;
    lastStep = step;
  };
  sample(0);
  for (let i = 1; i <= n; i++) {
    await s.run();
    if (i === 1 || i % every === 0 || i === n) sample(i);
  }
  // after the first step (the optimizer's state exists) nothing should grow; RSS and the heap after a tenth of the run (allocator and JIT warm)
  const first = samples[1];
  const warm = samples.find((x) => x.step >= every) ?? first;
  const end = samples.at(-1)!;
  const grew: string[] = [];
  if (end.tensors !== first.tensors) grew.push(`live tensors ${first.tensors} → ${end.tensors}`);
  if (end.bytes !== first.bytes) grew.push(`live bytes ${first.bytes} → ${end.bytes}`);
  if (end.heap !== warm.heap) grew.push(`wasm heap ${mb(warm.heap)} → ${mb(end.heap)} MB`);
  const rssGrowth = (end.rss - warm.rss) / warm.rss;
  if (rssGrowth > 0.05) grew.push(`RSS ${mb(warm.rss)} → ${mb(end.rss)} MB (+${fmt(100 * rssGrowth)} %)`);
  console.log(
    grew.length === 0
      ? `\nflat: live tensors and bytes equal from step 1 to ${n}, the wasm heap and RSS (${mb(warm.rss)} → ${mb(end.rss)} MB) steady from step ${warm.step}`
      : `\nNOT flat: ${grew.join('; ')}`,
  );
  const out = flags.out ?? 'bench-results/step-memory.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), config: name, batch, steps: n, backend: backend.description, flat: grew.length === 0, grew, samples }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
  s.dispose();
}

// ----- main -----

if (flags.help) {
  console.log(HELP);
} else if (flags.worker !== undefined) {
  console.log(JSON.stringify(await measureOurs(flags.worker)));
} else if (flags.steps !== undefined) {
  await memoryOverSteps(configs[0], intFlag('steps', flags.steps, 1));
} else {
  const found = findPython();
  let peerNote = `PyTorch: skipped (${'skipped' in found ? found.skipped : ''})`;
  if ('skipped' in found) console.log(`PyTorch peer skipped: ${found.skipped}`);
  const rows: Row[] = [];
  for (const config of configs) {
    process.stderr.write(`${config}: ours on ${flags.backend}...`);
    const ours = await runOurs(config).catch((e: Error) => fail(`${config}: our side failed (its error is above): ${e.message}`));
    let peer: PeerResult | null = null;
    if ('python' in found) {
      process.stderr.write(' PyTorch...');
      peer = await runPeer(found.python, config).catch((e: Error) =>
        fail(`${config}: the PyTorch peer failed (its error is above): ${e.message}`),
      );
      const blasNote =
        peer.blas.kind === 'reference'
          ? ' — the reference BLAS: its Linear layers run ~15× slower than with OpenBLAS; install libopenblas0-pthread (or point LD_LIBRARY_PATH at it) for PyTorch’s best'
          : '';
      const gflops = threads.map((t) => `${fmt(peer!.runs[t].sgemmGflops, 0)} at ${t}t`).join(', ');
      peerNote = `PyTorch ${peer.torch} (${peer.python}), BLAS ${peer.blas.path} (sgemm 1024³: ${gflops} GFLOP/s)${blasNote}`;
    }
    process.stderr.write(' done\n');
    rows.push({ config, ours, peer });
  }
  const summary = report(rows, peerNote);

  // both sides must have done the same work: the same model and the same labels
  const mismatches: string[] = [];
  for (const { config, ours, peer } of rows) {
    if (!peer) continue;
    console.log(
      `${config}: ${ours.params.toLocaleString('en-US')} parameters ours, ${peer.params.toLocaleString('en-US')} PyTorch's; first loss ${fmt(ours.firstLoss, 3)} ours, ${fmt(peer.firstLoss, 3)} PyTorch's`,
    );
    if (ours.params !== peer.params) mismatches.push(`${config}: parameters ${ours.params} ours, ${peer.params} PyTorch's`);
    if (ours.labels.sum !== peer.labels.sum || ours.labels.void !== peer.labels.void)
      mismatches.push(
        `${config}: labels differ (sum ${ours.labels.sum} vs ${peer.labels.sum}, void ${ours.labels.void} vs ${peer.labels.void})`,
      );
  }
  const out = flags.out ?? 'bench-results/step.json';
  mkdirSync(dirname(out), { recursive: true });
  const cpu = cpus();
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version },
        backend: rows[0].ours.backend,
        batch,
        reps,
        warmup,
        evalPlan,
        threads,
        pytorch:
          'python' in found && rows[0].peer
            ? { python: rows[0].peer.python, torch: rows[0].peer.torch, blas: rows[0].peer.blas }
            : { skipped: 'skipped' in found ? found.skipped : 'no result' },
        rows: summary,
        raw: rows,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
  if (mismatches.length > 0) fail(`the two sides did not do the same work: ${mismatches.join('; ')}`);
}
