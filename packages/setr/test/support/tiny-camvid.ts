/**
 * A CamVid-layout folder and a SETR small enough that `setr train` on it takes a second or so: 16×16
 * pictures (a 2×2 patch grid), 4 to train on and 2 to validate, and a one-block model of width 16. The
 * bad-input and fuzz tests break the folder in one place and run the command line on it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { preset, type SetrConfig } from '../../src/index.js';
import { shrink } from './configs.js';
import { makeCamVidFolder } from './data-fixtures.js';

/** The pictures' side. */
export const TINY_SIZE = 16;

/** SETR-Tiny-PUP shrunk to one block of width 16 at 16×16, 11 classes (CamVid's); batch 2, one epoch. */
export function tinyCamVidConfig(): SetrConfig {
  const base = preset('setr-tiny-pup');
  const model = shrink(base, { imgSize: [TINY_SIZE, TINY_SIZE], embedDim: 16, depth: 1, numHeads: 2, channels: 8, auxTaps: [0] });
  return { ...model, train: { ...base.train, batchSize: 2, epochs: 1, warmupIters: 1 } };
}

/** Writes the tiny config as a JSON file in a fresh folder; returns its path. */
export function writeTinyConfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'setr-tiny-config-')), 'tiny.json');
  writeFileSync(path, JSON.stringify(tinyCamVidConfig()));
  return path;
}

/** A CamVid folder of 16×16 pictures: train a.png..d.png, val e.png and f.png, with lists. Returns the root. */
export async function makeTinyCamVid(): Promise<string> {
  const size: [number, number] = [TINY_SIZE, TINY_SIZE];
  const root = await makeCamVidFolder(
    'train',
    ['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.png` })),
    { size },
  );
  await makeCamVidFolder('val', [{ name: 'e.png' }, { name: 'f.png' }], { size, root });
  return root;
}

/** What a run of the command line printed, and its exit status. */
export interface CliRun {
  readonly status: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `setr` in this process, capturing stdout and stderr lines. */
export async function setr(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { log: (m) => out.push(m), error: (m) => err.push(m) });
  return { status, out, err };
}
