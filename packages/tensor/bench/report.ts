/**
 * The results: one row per (case, subject), the derived rates and ratios, a printed table and a JSON
 * file. Ratios are speed-ups, `baseline ms / this ms`: above 1 means faster than the baseline.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchCase } from './cases.js';
import type { Timing } from './timing.js';

/** The two baselines every row is compared with. */
export const PEER_BASELINE = 'tfjs:wasm';
export const REFERENCE_BASELINE = 'reference';

/** How a subject's output compared with the yardstick subject's on the same inputs. */
export interface Check {
  readonly against: string;
  /** max |ours − theirs| / max |theirs|. */
  readonly maxRelErr: number;
  readonly ok: boolean;
}

export interface Row {
  readonly case: string;
  readonly shape: string;
  readonly kind: string;
  readonly subject: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or how it failed. */
  readonly reason?: string;
  readonly timing?: Timing;
  readonly gflops?: number;
  readonly gbps?: number;
  /** Speed-up over tfjs:wasm and over our reference backend on the same case. */
  vsPeer?: number;
  vsReference?: number;
  check?: Check;
  /** Tensors the subject still held after the case (should be 0). */
  readonly leaked?: number;
}

/** A timed row with its throughput filled in. */
export function timedRow(c: BenchCase, subject: string, timing: Timing, leaked: number): Row {
  const seconds = timing.medianMs / 1e3;
  return {
    case: c.id,
    shape: c.shape,
    kind: c.spec.kind,
    subject,
    status: 'ok',
    timing,
    leaked,
    ...(c.flops > 0 ? { gflops: c.flops / seconds / 1e9 } : { gbps: c.bytes / seconds / 1e9 }),
  };
}

export function untimedRow(c: BenchCase, subject: string, status: 'skipped' | 'failed', reason: string): Row {
  return { case: c.id, shape: c.shape, kind: c.spec.kind, subject, status, reason };
}

/** Fills in the two speed-up columns of one case's rows. */
export function addRatios(rows: Row[]): void {
  const ms = (label: string) => rows.find((r) => r.subject === label && r.status === 'ok')?.timing?.medianMs;
  const peer = ms(PEER_BASELINE);
  const ref = ms(REFERENCE_BASELINE);
  for (const r of rows) {
    if (!r.timing) continue;
    if (peer !== undefined) r.vsPeer = peer / r.timing.medianMs;
    if (ref !== undefined) r.vsReference = ref / r.timing.medianMs;
  }
}

/** Relative error of `got` against `want`, scaled by the largest magnitude in `want`. */
export function relativeError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    diff = d > diff || Number.isNaN(d) ? d : diff;
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

const fixed = (x: number | undefined, digits: number) => (x === undefined ? '' : x.toFixed(digits));
const ratio = (x: number | undefined) => (x === undefined ? '' : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}x`);

function checkText(r: Row): string {
  if (!r.check) return r.status === 'ok' ? 'yardstick' : '';
  const e = r.check.maxRelErr.toExponential(0);
  return r.check.ok ? `ok ${e}` : `MISMATCH ${e} vs ${r.check.against}`;
}

function rateText(r: Row): string {
  if (r.gflops !== undefined) return `${fixed(r.gflops, r.gflops < 10 ? 2 : 1)} GFLOP/s`;
  if (r.gbps !== undefined) return `${fixed(r.gbps, 2)} GB/s`;
  return '';
}

/** The printed table: one block per case, one line per subject. */
export function formatTable(rows: readonly Row[]): string {
  const header = [
    'case',
    'shape',
    'backend',
    'samples',
    'median ms',
    'spread',
    'rate',
    `vs ${PEER_BASELINE}`,
    `vs ${REFERENCE_BASELINE}`,
    'check',
  ];
  const lines: string[][] = [];
  let previous = '';
  for (const r of rows) {
    const first = r.case !== previous;
    if (first && previous) lines.push([]);
    previous = r.case;
    const lead = first ? [r.case, r.shape] : ['', ''];
    if (r.status !== 'ok' || !r.timing) {
      lines.push([...lead, r.subject, r.status, r.reason ?? '']);
      continue;
    }
    const t = r.timing;
    const spread = `±${(((t.maxMs - t.minMs) / 2 / t.medianMs) * 100).toFixed(0)}%`;
    const leak = r.leaked ? ` LEAKED ${r.leaked} tensors` : '';
    const samples = t.inner > 1 ? `${t.samplesMs.length}×${t.inner}` : `${t.samplesMs.length}`;
    lines.push([
      ...lead,
      r.subject,
      samples,
      fixed(t.medianMs, t.medianMs < 10 ? 3 : 1),
      spread,
      rateText(r),
      ratio(r.vsPeer),
      ratio(r.vsReference),
      checkText(r) + leak,
    ]);
  }
  // a row's last cell (check, or a skip reason) runs on past the grid and does not widen it
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => i < l.length - 1).map((l) => l[i].length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8]);
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

/** Writes `file` atomically: a temporary file in the same folder, then a rename. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Saves the run as `<dir>/<timestamp>.json` and `<dir>/latest.json`; returns the first path. */
export function saveJson(dir: string, report: unknown, startedAt: Date): string {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeAtomically(file, text);
  writeAtomically(path.join(dir, 'latest.json'), text);
  return file;
}
