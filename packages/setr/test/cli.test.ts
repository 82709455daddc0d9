/**
 * The `setr` command line, run in-process through `runCli` (the executable is a two-line wrapper,
 * smoke-tested at the end through the built package): `params` counts without allocating, `forward`
 * reproduces PyTorch's logits from files, and every mistake is one line and exit status 1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors } from '@setr-ts/nn';
import { setBackend } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { disposeAll, expectClose, fixturePath, fixtureTensors } from './support/fixtures.js';

/** Runs the CLI, capturing what it prints. */
async function cli(...argv: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { log: (m) => out.push(m), error: (m) => err.push(m) });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'setr-cli-'));

beforeAll(async () => {
  await setBackend('wasm');
});

describe('setr params', () => {
  it('--json prints the total and one count per top-level module, for ViT-Large in a blink', async () => {
    const r = await cli('params', '--config', 'setr-pup-vit-large-ade20k', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out.join(''))).toEqual({
      total: 317_922_542,
      backbone: 304_147_456,
      decode_head: 4_172_438,
      auxiliary_heads: 9_602_648,
    });
  });
  it('prints a table otherwise', async () => {
    const r = await cli('params', '--config', 'setr-tiny-pup');
    expect(r.out.join('\n')).toMatch(/backbone\s+1,239,168\n\s+decode_head\s+149,003\n\s+auxiliary_heads\s+299,564\n\s+total\s+1,687,735/);
  });
});

describe('setr forward', () => {
  it.each(['naive', 'pup', 'mla'])('%s: writes logits and aux.{j} equal to PyTorch’s (float32, 1e-4)', async (d) => {
    const io = await fixtureTensors(`setr-${d}.io.safetensors`);
    const input = join(dir, `${d}-input.safetensors`);
    await saveSafetensors(input, { input: io.input });
    const output = join(dir, `${d}-out.safetensors`);
    const r = await cli(
      'forward',
      '--config',
      fixturePath(`setr-${d}.json`),
      '--weights',
      fixturePath(`setr-${d}.safetensors`),
      '--input',
      input,
      '--output',
      output,
    );
    expect(r.err).toEqual([]);
    expect(r.status).toBe(0);
    const got = await loadSafetensors(output, { backend: 'reference' });
    expect(Object.keys(got).sort()).toEqual(
      Object.keys(io)
        .filter((k) => k === 'logits' || k.startsWith('aux.'))
        .sort(),
    );
    for (const k of Object.keys(got)) await expectClose(got[k], io[k], 1e-4, `${d} ${k}`);
    disposeAll(got);
    disposeAll(io);
  });
});

describe('mistakes are one line and exit status 1', () => {
  it.each([
    [['fit'], /^setr: unknown command 'fit' \(commands: params, forward/],
    [['params', '--confg', 'x'], /^setr: params: Unknown option '--confg'/],
    [['params'], /^setr: params: --config is required$/],
    [['params', '--config', 'setr-huge'], /^setr: config 'setr-huge' is neither a preset/],
    [
      ['forward', '--config', 'setr-tiny-pup', '--weights', 'nope.safetensors', '--input', 'x', '--output', 'y'],
      /^setr: .*nope\.safetensors/,
    ],
    [
      ['forward', '--config', 'setr-tiny-pup', '--weights', fixturePath('setr-pup.safetensors'), '--input', 'x', '--output', 'y'],
      /^setr: loadStateDict: cannot load the state dict into Setr: missing keys \(34\): .* mis-shaped keys \(104\): backbone\.cls_token: checkpoint \[1,1,32\], model \[1,1,128\].* \(loading .*setr-pup\.safetensors\)$/,
    ],
    [
      ['forward', '--backend', 'cuda', '--config', 'a', '--weights', 'b', '--input', 'c', '--output', 'd'],
      /^setr: forward: --backend cuda is not a backend here/,
    ],
  ])('%j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.status).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(message);
  });

  it('an input of the wrong shape is named', async () => {
    const io = await fixtureTensors('setr-pup.io.safetensors');
    const input = join(dir, 'bad-input.safetensors');
    await saveSafetensors(input, { input: io.logits });
    const r = await cli(
      'forward',
      '--config',
      fixturePath('setr-pup.json'),
      '--weights',
      fixturePath('setr-pup.safetensors'),
      '--input',
      input,
      '--output',
      join(dir, 'o.safetensors'),
    );
    expect(r.err).toEqual([`setr: ${input}: tensor 'input' must be [N, 3, H, W], got [2,5,24,40]`]);
    disposeAll(io);
  });
});

describe('the setr executable', () => {
  const bin = join(import.meta.dirname, '..', 'bin', 'setr.js');
  it.runIf(existsSync(join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')))(
    'runs from the build, printing help and exiting 0',
    () => {
      const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
      expect(out).toMatch(/usage: setr <command>/);
      expect(out).toMatch(/params\s+count the parameters/);
    },
  );
});
