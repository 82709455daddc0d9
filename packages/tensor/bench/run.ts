/**
 * `npm run bench` — times every case on every backend and mode we have, and on tfjs's cpu and wasm
 * backends, in one process; prints a table and writes bench-results/<timestamp>.json and latest.json.
 * See bench/README.md for the method and how to read the output; `--help` lists the options.
 */
import './setup-env.js';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setLogger } from '../src/index.js';
import { type BenchCase, CASES, type CaseInputs, makeInputs } from './cases.js';
import { ourConfigs, ourSubject } from './ours.js';
import { type TfjsInfo, tfjsSubjects } from './peers/tfjs.js';
import {
  addRatios,
  formatTable,
  PEER_BASELINE,
  REFERENCE_BASELINE,
  type Row,
  relativeError,
  saveJson,
  timedRow,
  untimedRow,
} from './report.js';
import type { Subject } from './subject.js';
import { forcesGc, measure, type Timing, type TimingOptions } from './timing.js';

const HELP = `usage: npm run bench -- [options]

  --quick            smoke run: a few small cases, 3 samples each, short budget (under a minute)
  --backends LIST    comma-separated labels or prefixes: reference, gpujs:cpu, gpujs:webasm, gpujs:webgpu,
                     wasm:1t, wasm:<N>t, tfjs:cpu, tfjs:wasm (e.g. 'wasm,tfjs:wasm'); default all
  --cases LIST       comma-separated case ids or prefixes (e.g. 'mm,qkv-dW,softmax'); default all
  --reps N           at most N timed samples per case and backend (default 7, quick 3); the median is reported
  --warmup N         untimed calls before timing, after the checked call (default 2, quick 1)
  --budget MS        cut samples (to no fewer than 3) once one case on one backend would take longer; an op slower
                     than this alone is timed once (default 1000, quick 250)
  --threads N        threads of the "all threads" wasm mode (default: available parallelism, here ${os.availableParallelism()})
  --slow             also run what is skipped for slowness (reference on mm-1024, gpujs:cpu on all cases,
                     tfjs:cpu on conv-dW): many minutes
  --no-save          print only; write no JSON
  -h, --help         this text`;

/** A usage error: says what is wrong and exits (no stack trace for a typo). */
function usage(message: string): never {
  console.error(`bench: ${message}\n\n${HELP}`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        backends: { type: 'string' },
        cases: { type: 'string' },
        reps: { type: 'string' },
        warmup: { type: 'string' },
        budget: { type: 'string' },
        threads: { type: 'string' },
        slow: { type: 'boolean', default: false },
        'no-save': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
}

const args = parseOptions();
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

/** Items whose key equals or starts with one of the comma-separated patterns (all when none given). */
function pick<T>(items: readonly T[], key: (t: T) => string, list: string | undefined, what: string): T[] {
  if (!list) return [...items];
  const patterns = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = patterns.filter((p) => !items.some((t) => key(t).startsWith(p)));
  if (unknown.length) usage(`unknown ${what} ${unknown.join(', ')} (known: ${items.map(key).join(', ')})`);
  return items.filter((t) => patterns.some((p) => key(t).startsWith(p)));
}

const quick = args.quick;
const maxReps = positiveInt('reps', args.reps, quick ? 3 : 7);
const timing: TimingOptions = {
  warmup: positiveInt('warmup', args.warmup, quick ? 1 : 2),
  maxReps,
  minReps: Math.min(3, maxReps),
  budgetMs: positiveInt('budget', args.budget, quick ? 250 : 1000),
  minSampleMs: 5,
};
const threads = positiveInt('threads', args.threads, os.availableParallelism());
const cases = pick(quick && !args.cases ? CASES.filter((c) => c.quick) : CASES, (c) => c.id, args.cases, 'case');

/** Relative error above which a result is flagged: float32 sums of up to 1544 products stay far below. */
const TOLERANCE = 1e-3;
/** Which subject's output the others are checked against, first one present wins. */
const YARDSTICKS = [REFERENCE_BASELINE, 'tfjs:cpu'];

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Starts every requested subject; those that cannot start are listed with the reason. */
async function startSubjects(): Promise<{ subjects: Subject[]; unavailable: Record<string, string>; tfjs: TfjsInfo | null }> {
  setLogger(() => {}); // the header lists every backend's description instead
  const ours = pick(ourConfigs(threads), (c) => c.label, undefined, 'backend');
  const peerLabels = ['tfjs:cpu', 'tfjs:wasm'];
  const wanted = new Set(pick([...ours.map((c) => c.label), ...peerLabels], (l) => l, args.backends, 'backend'));
  const subjects: Subject[] = [];
  const unavailable: Record<string, string> = {};
  for (const config of ours.filter((c) => wanted.has(c.label))) {
    const s = await ourSubject(config);
    if (typeof s === 'string') unavailable[config.label] = s;
    else subjects.push(s);
  }
  const peers = peerLabels.filter((l) => wanted.has(l)).map((l) => l.slice('tfjs:'.length) as 'cpu' | 'wasm');
  if (peers.length === 0) return { subjects, unavailable, tfjs: null };
  const { subjects: tf, info } = await tfjsSubjects(peers);
  return { subjects: [...subjects, ...tf], unavailable, tfjs: info };
}

/** Prepares a case on a subject, runs it once untimed to keep its result for the cross-check, then times it. */
async function timeOn(s: Subject, c: BenchCase, inputs: CaseInputs): Promise<{ timing: Timing; values: Float32Array }> {
  const p = await s.prepare(c, inputs);
  try {
    const t0 = performance.now();
    const first = await p.run();
    const firstMs = performance.now() - t0;
    const values = await p.values(first);
    first.dispose();
    return { timing: await measure(p, timing, firstMs), values };
  } finally {
    p.dispose();
  }
}

/** One case on every subject, back to back, so that the ratios compare runs made seconds apart. */
async function runCase(c: BenchCase, subjects: readonly Subject[]): Promise<Row[]> {
  const inputs = makeInputs(c.spec);
  const rows: Row[] = [];
  const outputs = new Map<string, Float32Array>();
  for (const s of subjects) {
    const skip = s.skipReason(c, args.slow);
    if (skip) {
      rows.push(untimedRow(c, s.label, 'skipped', skip));
      continue;
    }
    const before = s.liveTensors();
    try {
      const { timing: t, values } = await timeOn(s, c, inputs);
      outputs.set(s.label, values);
      rows.push(timedRow(c, s.label, t, s.liveTensors() - before));
      log(`  ${c.id.padEnd(10)} ${s.label.padEnd(13)} ${t.medianMs.toFixed(3)} ms`);
    } catch (e) {
      rows.push(untimedRow(c, s.label, 'failed', (e as Error).message.split('\n')[0]));
      log(`  ${c.id.padEnd(10)} ${s.label.padEnd(13)} FAILED: ${(e as Error).message}`);
    }
  }
  const yardstick = YARDSTICKS.find((l) => outputs.has(l)) ?? outputs.keys().next().value;
  for (const r of rows) {
    if (r.status !== 'ok' || r.subject === yardstick || yardstick === undefined) continue;
    const err = relativeError(outputs.get(r.subject)!, outputs.get(yardstick)!);
    r.check = { against: yardstick, maxRelErr: err, ok: err <= TOLERANCE };
  }
  addRatios(rows);
  return rows;
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '.'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (package has uncommitted changes)` : commit;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const { subjects, unavailable, tfjs } = await startSubjects();
  const mode = quick ? 'quick' : 'full';
  log(`bench (${mode}): ${cases.length} cases × ${subjects.length} backends; progress below, table at the end`);
  const rows: Row[] = [];
  for (const c of cases) rows.push(...(await runCase(c, subjects)));
  const loadAfter = os.loadavg();

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const notes = [
    `median of up to ${timing.maxReps} samples (at least ${timing.minReps}) after 1 checked + up to ${timing.warmup} warm-up calls;` +
      ` samples under ${timing.minSampleMs} ms repeat the op (samples column: N×calls); an op slower than the ${timing.budgetMs} ms budget` +
      ' is timed once (samples = 1); spread = ±(max−min)/2 of the median',
    `ratios are speed-ups: baseline ms / this ms (>1 = faster than ${PEER_BASELINE} or ${REFERENCE_BASELINE}), both measured in this run`,
    'rate: GFLOP/s (multiply-add = 2 FLOP) for matmul/conv; GB/s of one read + one write of the float32 tensor for softmax/layerNorm',
    `check: max|Δ|/max|yardstick| against ${YARDSTICKS.join(' (or else ')}) on the same inputs; MISMATCH above ${TOLERANCE}`,
    ...subjects
      .filter((s) => s.timesReadback)
      .map((s) => `${s.label} computes asynchronously: its times run until the result is read back (await data())`),
    'tfjs conv runs NHWC (its native layout); layerNorm on tfjs is moments + 4 elementwise ops (tfjs has no layerNorm op)',
    forcesGc
      ? 'garbage collection forced between samples (--expose-gc)'
      : 'GC not forced between samples (run with node --expose-gc to do so)',
  ];
  const report = {
    startedAt: startedAt.toISOString(),
    mode,
    machine: {
      cpu,
      cores: os.availableParallelism(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadBefore,
      loadAfter,
    },
    commit: gitCommit(),
    options: { ...timing, threads, slow: args.slow, cases: cases.map((c) => c.id) },
    backends: subjects.map((s) => ({ label: s.label, description: s.description, timesReadback: s.timesReadback })),
    unavailable,
    tfjs,
    notes,
    results: rows,
  };

  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\n@setr-ts/tensor benchmark (${mode}), ${startedAt.toISOString()}, commit ${report.commit ?? '?'}`);
  console.log(
    `${cpu}, ${os.availableParallelism()} cores, Node ${process.version}; load average ${load(loadBefore)} before, ${load(loadAfter)} after`,
  );
  console.log('backends:');
  for (const s of subjects) console.log(`  ${s.label.padEnd(13)} ${s.description}`);
  for (const [label, why] of Object.entries(unavailable)) console.log(`  ${label.padEnd(13)} not run: ${why}`);
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
  if (!args['no-save']) {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');
    console.log(`\nwritten: ${path.relative(process.cwd(), saveJson(dir, report, startedAt))} and latest.json`);
  }
  log(`bench: ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
}

await main();
