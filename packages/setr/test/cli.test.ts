/**
 * The `setr` command line, run in-process through `runCli` (the executable is a two-line wrapper,
 * smoke-tested at the end through the built package): `params` counts without allocating, `forward`
 * reproduces PyTorch's logits from files, and every mistake is one line and exit status 1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors } from '@setr-ts/nn';
import { setBackend } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { CAMVID_CLASSES, encodePng, preset, raster } from '../src/index.js';
import { shrink } from './support/configs.js';
import { makeCamVidFolder } from './support/data-fixtures.js';
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
      auxiliary_head: 9_602_648,
    });
  });
  it('prints a table otherwise', async () => {
    const r = await cli('params', '--config', 'setr-tiny-pup');
    expect(r.out.join('\n')).toMatch(/backbone\s+1,239,168\n\s+decode_head\s+149,003\n\s+auxiliary_head\s+299,564\n\s+total\s+1,687,735/);
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

describe('setr train, eval and predict (a smoke run on the bundled CamVid)', () => {
  const out = join(dir, 'run');
  const tinyConfig = join(dir, 'tiny.json');

  it('train --minutes leaves the best model, metrics, curves and predictions, and says where', async () => {
    // a narrower model than setr-tiny-pup, so the smoke run takes seconds
    const { train, ...model } = shrink(preset('setr-tiny-pup'), { embedDim: 32, depth: 2, channels: 16, auxTaps: [0] });
    writeFileSync(tinyConfig, JSON.stringify({ ...model, train: { batchSize: 8 } }));
    const r = await cli('train', '--config', tinyConfig, '--minutes', '0.02', '--out', out, '--seed', '3');
    expect(r.status).toBe(0);
    const said = r.out.join('\n');
    expect(said).toMatch(/^stopped after --minutes: 0\.\d\d epochs in/);
    expect(said).toMatch(/best val mIoU 0\.\d{4}/);
    for (const f of ['best.safetensors', 'metrics.json', 'curves.png', 'curves.svg', 'predictions.png']) {
      expect(said).toContain(join(out, f).replace('.svg', '.png'));
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs[0].imagesPerSecond).toBeGreaterThan(0);
  });

  it('eval --json scores the checkpoint on the validation split', async () => {
    const r = await cli('eval', '--checkpoint', join(out, 'best.safetensors'), '--json');
    expect(r.err).toEqual([]);
    const result = JSON.parse(r.out.join(''));
    expect(result.images).toBe(101);
    expect(result.miou).toBeGreaterThanOrEqual(0);
    expect(Object.keys(result.per_class_iou)).toEqual(CAMVID_CLASSES);
    expect(result.confusion_matrix).toHaveLength(11);
    expect(result).toHaveProperty('pixel_acc');
  });

  it('eval with sliding windows, scales and flip; a text report otherwise', async () => {
    const r = await cli('eval', '--checkpoint', join(out, 'best.safetensors'), '--mode', 'slide', '--scales', '0.5,1', '--flip');
    expect(r.out[0]).toBe('val: 101 images, mode slide, scales 0.5,1, flip');
    expect(r.out[1]).toMatch(/^mIoU 0\.\d{4} {3}pixel accuracy 0\.\d{4} {3}mean class accuracy 0\.\d{4}$/);
  });

  it('predict writes a mask and an overlay per image, of the image’s own size', async () => {
    const photo = join(dir, 'street.png');
    writeFileSync(
      photo,
      await encodePng(
        raster(
          40,
          200,
          3,
          Uint8Array.from({ length: 40 * 200 * 3 }, (_, i) => (i * 13) % 256),
        ),
      ),
    );
    const r = await cli('predict', '--checkpoint', join(out, 'best.safetensors'), photo, '--out', join(dir, 'pred'));
    expect(r.err).toEqual([]);
    expect(r.out[0]).toMatch(/street\.png: 40×200 \(sliding window\) → .*street\.mask\.png, .*street\.overlay\.png/);
    for (const f of ['street.mask.png', 'street.overlay.png']) expect(existsSync(join(dir, 'pred', f))).toBe(true);
  });

  it('export --to mmseg writes config.py, weights.pth and weights.safetensors; import reads them back to the same scores', async () => {
    const mm = join(dir, 'mmseg');
    const ex = await cli('export', '--checkpoint', join(out, 'best.safetensors'), '--to', 'mmseg', '--out', mm);
    expect(ex.err).toEqual([]);
    // the smoke model is official-style PUP: its conv biases are carried in BN's running means
    expect(ex.out).toEqual([
      `note: 4 conv biases folded into the following BatchNorm's running_mean (the same function in evaluation)`,
      `wrote ${join(mm, 'config.py')}, ${join(mm, 'weights.pth')}, ${join(mm, 'weights.safetensors')}`,
    ]);
    expect(readFileSync(join(mm, 'config.py'), 'utf8')).toMatch(/type='SETRUPHead',[\s\S]*num_convs=3,[\s\S]*up_scale=2,/);
    const back = join(dir, 'imported.safetensors');
    const im = await cli('import', '--from', 'mmseg', '--checkpoint', join(mm, 'weights.pth'), '--out', back);
    expect(im.out).toEqual([
      `wrote ${back} (pup, official style, ${(await cli('params', '--config', tinyConfig, '--json')).out.map((l) => JSON.parse(l).total.toLocaleString('en-US'))[0]} parameters)`,
    ]);
    const scores = async (ckpt: string) => JSON.parse((await cli('eval', '--checkpoint', ckpt, '--json')).out.join('')).miou;
    // the folded bias rounds a few logits differently: on this barely trained model a near-tie may flip a pixel
    expect(await scores(back)).toBeCloseTo(await scores(join(out, 'best.safetensors')), 4);
  });

  it('train --resume of a folder without a checkpoint says so', async () => {
    const r = await cli('train', '--resume', join(dir, 'nothing-here'));
    expect(r.err).toEqual([`setr: ${join(dir, 'nothing-here')}: no checkpoint.json here, nothing to resume`]);
  });
});

describe('mistakes are one line and exit status 1', () => {
  it.each([
    [['fit'], /^setr: unknown command 'fit' \(commands: train, eval, predict, export, import, params, config, forward/],
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
      [
        'export',
        '--checkpoint',
        new URL('../../../models/setr-tiny-mla-camvid/model.safetensors', import.meta.url).pathname,
        '--to',
        'mmseg',
        '--out',
        'x',
      ],
      /^setr: toMmseg: mmsegmentation cannot build this official-style mla model: the MLA classifier is 3×3 .* \(a style 'mmseg' model can be exported: e\.g\. setr-tiny-mla-mmseg\)$/,
    ],
    [['export', '--checkpoint', 'a.safetensors', '--to', 'onnx', '--out', 'x'], /^setr: export: --to onnx is not one of mmseg$/],
    [['import', '--from', 'mmseg', '--checkpoint', 'gone.pth', '--out', 'x'], /^setr: .*gone\.pth/],
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

  it('an image smaller than the patch, a missing image, a label out of range', async () => {
    const small = join(dir, 'small.png');
    writeFileSync(small, await encodePng(raster(4, 6, 3)));
    const ckpt = join(dir, 'run', 'best.safetensors');
    expect((await cli('predict', '--checkpoint', ckpt, small, '--out', dir)).err).toEqual([
      `setr: predict: ${small} is 4×6, smaller than the model's 8×8 patch`,
    ]);
    expect((await cli('predict', '--checkpoint', ckpt, join(dir, 'gone.png'), '--out', dir)).err[0]).toMatch(
      /^setr: readImage: cannot read .*gone\.png/,
    );
    const bad = await makeCamVidFolder('val', [{ name: 'a.png', label: new Uint8Array(48).fill(40) }]);
    const r = await cli('eval', '--checkpoint', ckpt, '--data', bad);
    expect(r.status).toBe(1);
    expect(r.err[0]).toMatch(/^setr: .*a\.png.*40/);
  });

  it('--epochs and --minutes together, --resume with --seed', async () => {
    expect((await cli('train', '--epochs', '2', '--minutes', '1')).err).toEqual(['setr: train: give --epochs or --minutes, not both']);
    expect((await cli('train', '--epochs', 'two')).err).toEqual(['setr: train: --epochs two is not an integer ≥ 1']);
    expect((await cli('train', '--resume', dir, '--seed', '2')).err[0]).toMatch(/--resume continues a run as it was planned/);
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
