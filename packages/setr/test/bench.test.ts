/**
 * `setr bench`: a training step timed and profiled through the CLI (in-process, like cli.test.ts), the
 * synthetic labels bench/torch_peer.py rebuilds, the step itself leaving nothing alive, and the benchmark
 * script's --quick mode. Smoke runs at batch 1: the numbers are not checked, the shape of what is printed is.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memory, setBackend } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { preset } from '../src/index.js';
import { benchLabels, TrainingStep } from '../src/train/bench-step.js';

async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { log: (m) => out.push(m), error: (m) => err.push(m) });
  return { status, out: out.join('\n'), err };
}

beforeAll(async () => {
  await setBackend('wasm');
});

describe('setr bench', () => {
  it('times steps and, with --profile, prints the profiler table of one step', async () => {
    const r = await cli('bench', '--config', 'setr-tiny-pup', '--batch', '1', '--steps', '1', '--profile', '--top', '8');
    expect(r.err).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^setr-tiny-pup: pup, 1,687,735 parameters; batch 1 at 96×128 on wasm/);
    expect(r.out).toMatch(/\n[\d.]+ ms\/step \(median of 1 after 1 warm-up; .*\), [\d.]+ images\/s\n/);
    expect(r.out).toMatch(/\nphase\s+op\s+kernel\s+calls\s+ms\s+share\s+GFLOP\/s \(of peak\)\s+GB\/s \(of peak\)\n/);
    expect(r.out).toMatch(/\n(forward|backward)\s+matmul\s+matmul\s+\d+/);
    expect(r.out).toMatch(/\nwall [\d.]+ ms, \d+ kernel calls; .*backward [\d.]+ ms .*optimizer [\d.]+ ms .*; peaks [\d.]+ GFLOP\/s/);
  });

  it.each([
    [['bench', '--batch', '0'], 'setr: bench: --batch 0 is not an integer ≥ 1'],
    [['bench', '--steps', 'many'], 'setr: bench: --steps many is not an integer ≥ 1'],
    [['bench', '--config', 'setr-huge'], /^setr: config 'setr-huge' is neither a preset/],
    [['bench', '--profle'], /^setr: bench: Unknown option '--profle'/],
    [['bench', '--backend', 'cuda'], /^setr: bench: --backend cuda is not a backend here/],
  ])('%j: one line, exit status 1', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.status).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(message);
  });

  it('is listed by setr --help', async () => {
    expect((await cli('--help')).out).toMatch(/\n\s+bench\s+time a training step/);
  });
});

describe('the benchmark step', () => {
  it('labels: classes in 16×16 blocks, 255 on the bottom twelfth and a sparse diagonal pattern', () => {
    const l = benchLabels(2, [96, 128], 11);
    const v = l.dataSync();
    l.dispose();
    expect(v[0]).toBe(255); // (7·0 + 13·0 + 0) % 23 = 0
    expect(v[1]).toBe(0);
    expect(v[16]).toBe(1); // next 16-wide block
    expect(v[88 * 128 + 5]).toBe(255); // row 88 of 96: the bottom eight rows are void
    const voidShare = v.filter((x) => x === 255).length / v.length;
    expect(voidShare).toBeGreaterThan(0.1);
    expect(voidShare).toBeLessThan(0.15);
    expect(v.every((x) => x === 255 || (x >= 0 && x < 11))).toBe(true);
  });

  it('a step keeps the live tensors constant, and dispose frees everything', async () => {
    const before = memory().numTensors;
    const s = new TrainingStep(preset('setr-tiny-naive'), 1);
    const first = await s.run();
    expect(first).toBeGreaterThan(0);
    const afterFirst = memory().numTensors;
    await s.run();
    expect(memory().numTensors).toBe(afterFirst);
    s.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('npm run bench (bench/step.ts)', () => {
  const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
  it('--quick at batch 1: the table, the memory table and the JSON, our side in its own process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'setr-bench-'));
    const out = join(dir, 'step.json');
    // PyTorch is left out (--threads none): the peer is exercised by `npm run bench` itself, and is minutes on a reference BLAS
    const printed = execFileSync(tsx, ['bench/step.ts', '--quick', '--batch', '1', '--threads', 'none', '--out', out], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'], // its progress on stderr stays out of the test's output
    });
    expect(printed).toMatch(/PyTorch peer skipped: --threads none/);
    expect(printed).toMatch(/\nconfig\s+work\s+ours ms\s+ratio\s+ours img\/s\s+PyTorch img\/s\nsetr-tiny-mla\s+train step b1\s+[\d.]+\s+–/);
    expect(printed).toMatch(/\nsetr-tiny-mla\s+(\d+) → \1\s+[\d.]+/); // live tensors before and after a step: equal
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.rows[0].params.ours).toBe(1_548_043);
    expect(json.rows[0].work.map((w: { work: string }) => w.work)).toEqual(['train step b1', 'eval b1', 'eval b8']);
    rmSync(dir, { recursive: true, force: true });
  });
});
