/**
 * The findings of the bad-input campaign against the command line (issue 22, section 3), one test
 * each: first the silent wrong results, then the unclear messages. Every case runs where the user met
 * it — `setr train / eval / predict` in this process, or the library call behind it — on tiny generated
 * CamVid folders and a one-block model. Faults the machine will not produce on demand (permission
 * denied for root, a full disk) are made by having the file system call fail as it would.
 */
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { saveSafetensors } from '@setr-ts/nn';
import { setBackend, tensor } from '@setr-ts/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CAMVID_CLASSES,
  CAMVID_PALETTE,
  encodePng,
  loadCamVid,
  makeShapesDataset,
  parseConfig,
  preset,
  raster,
  Setr,
  trainedModelFromBytes,
  trainSetr,
} from '../src/index.js';
import { loadTrainedModel, modelMetadata } from '../src/model-file.js';
import { RUN_LOCK } from '../src/train/run-lock.js';
import { makeCamVidFolder } from './support/data-fixtures.js';
import { makeTinyCamVid, setr, TINY_SIZE, tinyCamVidConfig, writeTinyConfig } from './support/tiny-camvid.js';

const dir = mkdtempSync(join(tmpdir(), 'setr-bad-input-'));
const made: string[] = [dir]; // every folder the tests write, removed at the end
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A CamVid folder (see makeCamVidFolder), removed at the end. */
async function camvid(...args: Parameters<typeof makeCamVidFolder>): Promise<string> {
  const root = await makeCamVidFolder(...args);
  made.push(root);
  return root;
}

const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number; // a process that has exited
const isRoot = process.getuid?.() === 0;
const png = (h: number, w: number, channels: number) => encodePng(raster(h, w, channels));

let data: string; // a tiny CamVid folder that trains
let configFile: string; // its model, as a config file
let modelFile: string; // that model, untrained, as setr train writes it

beforeAll(async () => {
  await setBackend('wasm');
  data = await makeTinyCamVid();
  configFile = writeTinyConfig();
  made.push(data, dirname(configFile));
  const config = tinyCamVidConfig();
  const model = new Setr(config);
  modelFile = join(dir, 'tiny.safetensors');
  await model.save(modelFile, modelMetadata(config, CAMVID_CLASSES, CAMVID_PALETTE));
  model.dispose();
});

/** Makes reads of `paths` fail with EACCES while `body` runs, as they do for a user without the permission. */
async function withReadsDenied(paths: string[], body: () => Promise<void>): Promise<void> {
  const read = fsp.readFile;
  const spy = vi.spyOn(fsp, 'readFile').mockImplementation(((path: string, ...rest: never[]) => {
    if (paths.includes(String(path)))
      return Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' }));
    return read(path, ...rest);
  }) as typeof fsp.readFile);
  syncBuiltinESMExports(); // named imports of node:fs/promises see the spy too
  try {
    await body();
  } finally {
    spy.mockRestore();
    syncBuiltinESMExports();
  }
}

describe('silent wrong results, now refused or kept apart', () => {
  it('a label map of another size than its photo is refused, naming both files (it was resized silently)', async () => {
    const root = await camvid('train', [{ name: 'a.png' }, { name: 'b.png' }]);
    writeFileSync(join(root, 'trainannot', 'b.png'), await png(6, 7, 1));
    await expect(loadCamVid(root, 'train')).rejects.toThrow(
      `loadCamVid: the label ${join(root, 'trainannot', 'b.png')} is 6×7 but its photo ${join(root, 'train', 'b.png')} is 6×8`,
    );
  });

  it('a split list that is a folder is an error naming it (it fell back to the folder listing)', async () => {
    const root = await camvid('train', [{ name: 'a.png' }], { list: false });
    mkdirSync(join(root, 'train.txt'));
    await expect(loadCamVid(root, 'train')).rejects.toThrow(
      `readSplitList: cannot read ${join(root, 'train.txt')}: it is a folder, not a file (EISDIR)`,
    );
  });

  it('a split list that cannot be read is an error naming it (it fell back to the folder listing)', async () => {
    const root = await camvid('train', [{ name: 'a.png' }, { name: 'b.png' }], { list: 'b.png' });
    const list = join(root, 'train.txt');
    await withReadsDenied([list], async () => {
      await expect(loadCamVid(root, 'train')).rejects.toThrow(`readSplitList: cannot read ${list}: permission denied (EACCES)`);
    });
  });

  it('a second run on a run folder in use — a new run or a resume — is refused, naming the run that holds it', async () => {
    const out = join(dir, 'busy');
    const stop = new AbortController();
    let second: Promise<Awaited<ReturnType<typeof setr>>[]> | undefined;
    const first = await trainSetr({
      config: tinyCamVidConfig(),
      train: await loadCamVid(data, 'train'),
      val: await loadCamVid(data, 'val'),
      out,
      epochs: 1000, // until the second runs have been refused
      report: false,
      signal: stop.signal,
      onEpoch: () => {
        second ??= Promise.all([
          setr('train', '--config', configFile, '--data', data, '--out', out),
          setr('train', '--resume', out, '--data', data),
        ]).finally(() => stop.abort());
      },
    });
    first.model.dispose();
    expect(first.interrupted).toBe(true);
    for (const r of (await second) ?? []) {
      expect(r.status).toBe(1);
      expect(r.err.at(-1)).toMatch(
        new RegExp(
          `^setr: train: the run folder ${out} is in use by another run \\(pid ${process.pid}, started .*; lock ${join(out, RUN_LOCK)}\\)`,
        ),
      );
    }
    expect(existsSync(join(out, RUN_LOCK))).toBe(false); // released when the first run ended
  });

  it('a lock left by a killed run is taken over, with a note', async () => {
    const out = join(dir, 'stale-lock');
    mkdirSync(out);
    writeFileSync(join(out, RUN_LOCK), JSON.stringify({ pid: deadPid, host: hostname(), started: '2024-05-01T10:00:00.000Z' }));
    const r = await setr('train', '--config', configFile, '--data', data, '--out', out);
    expect(r.status).toBe(0);
    expect(r.err).toContain(
      `note: took over ${join(out, RUN_LOCK)} from run pid ${deadPid} (started 2024-05-01T10:00:00.000Z), which is no longer running`,
    );
    expect(existsSync(join(out, RUN_LOCK))).toBe(false);
  });

  it('predict of two photos with one name is refused before any work, naming both (the second overwrote the first); the help says so', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    for (const d of [a, b]) mkdirSync(d);
    writeFileSync(join(a, 'street.png'), await png(TINY_SIZE, TINY_SIZE, 3));
    writeFileSync(join(b, 'street.jpg'), await png(TINY_SIZE, TINY_SIZE, 3));
    const out = join(dir, 'pred-twice');
    const r = await setr('predict', '--checkpoint', modelFile, join(a, 'street.png'), join(b, 'street.jpg'), '--out', out);
    expect(r.err).toEqual([
      `setr: predict: ${join(a, 'street.png')} and ${join(b, 'street.jpg')} would both write street.mask.png and street.overlay.png in ${out}; rename one, or predict them into different --out folders`,
    ]);
    expect(existsSync(out)).toBe(false);
    expect((await setr('predict', '--help')).out.join('\n')).toMatch(/two photos of one <name> are refused/);
  });

  it('weights holding NaN or Inf are refused at load, naming the tensor (they gave an all-one-class mask and mIoU 0.0085), unless --allow-nonfinite', async () => {
    const config = tinyCamVidConfig();
    const model = new Setr(config);
    const weights = model.stateDict();
    const broken = join(dir, 'nan.safetensors');
    const values = weights['decode_head.conv_seg.bias'].dataSync().slice(); // [11]
    values.set([Number.NaN, Number.POSITIVE_INFINITY, Number.NaN], 4);
    const nan = tensor(values, [values.length]);
    await saveSafetensors(broken, { ...weights, 'decode_head.conv_seg.bias': nan }, modelMetadata(config, CAMVID_CLASSES, CAMVID_PALETTE));
    for (const t of [...Object.values(weights), nan]) t.dispose();
    model.dispose();
    const message = `${broken}: tensor 'decode_head.conv_seg.bias' has 3 of its 11 values NaN or infinite`;
    await expect(loadTrainedModel(broken)).rejects.toThrow(message);
    const evaluated = await setr('eval', '--checkpoint', broken, '--data', data);
    expect(evaluated.err).toEqual([expect.stringMatching(`^setr: ${message}; .*--allow-nonfinite`)]);
    const allowed = await setr('eval', '--checkpoint', broken, '--data', data, '--allow-nonfinite', '--json');
    expect(allowed.status).toBe(0);
  });

  it('resuming removes the temporary files killed saves left in the run folder, with a note (they stayed until a later save of the same name)', async () => {
    const out = join(dir, 'killed-save');
    const train = makeShapesDataset({ count: 4, size: [TINY_SIZE, TINY_SIZE], seed: 0 });
    const tiny = tinyCamVidConfig();
    const shapes = { ...tiny, numClasses: 4, train: { ...tiny.train, epochs: 2 } };
    const killed = trainSetr({
      config: shapes,
      train,
      val: train,
      out,
      report: false,
      onEpoch: () => {
        throw new Error('killed');
      },
    });
    await expect(killed).rejects.toThrow('killed');
    const dead = [`.best.safetensors.${deadPid}.0123456789ab.tmp`, `.epoch-002.model.safetensors.${deadPid}.0123456789ab.tmp`];
    const live = `.metrics.json.${process.ppid}.0123456789ab.tmp`; // a writer that still runs: not ours to remove
    for (const f of [...dead, live]) writeFileSync(join(out, f), 'partial'); // just now: within the next save's grace period
    const notes: string[] = [];
    const resumed = await trainSetr({ config: shapes, train, val: train, out, resume: true, report: false, onNote: (m) => notes.push(m) });
    resumed.model.dispose();
    expect(notes).toEqual([`note: removed 2 temporary file(s) that interrupted saves left in ${out}: ${dead.join(', ')}`]);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([live]);
  });
});

describe('unclear messages, now naming the file or the field and the cause', () => {
  it('a missing photo says it does not exist (it said "unsupported image format" or "Input file is missing")', async () => {
    const root = await camvid('train', [{ name: 'a.png' }], { list: 'a.png\ngone.png' });
    await expect(loadCamVid(root, 'train')).rejects.toThrow(
      `readImage: cannot read ${join(root, 'train', 'gone.png')}: it does not exist (ENOENT)`,
    );
  });

  it('an unreadable photo says permission denied (it said "unsupported image format")', async () => {
    const root = await camvid('train', [{ name: 'a.png' }]);
    const photo = join(root, 'train', 'a.png');
    await withReadsDenied([photo], async () => {
      await expect(loadCamVid(root, 'train')).rejects.toThrow(`readImage: cannot read ${photo}: permission denied (EACCES)`);
    });
  });

  it.skipIf(isRoot)('an unreadable photo says permission denied, for real (chmod 000; root reads anything)', async () => {
    const root = await camvid('train', [{ name: 'a.png' }]);
    const photo = join(root, 'train', 'a.png');
    fs.chmodSync(photo, 0);
    await expect(loadCamVid(root, 'train')).rejects.toThrow(`readImage: cannot read ${photo}: permission denied (EACCES)`);
  });

  it('a photo without its label names the label file that does not exist', async () => {
    const root = await camvid('train', [{ name: 'a.png' }]);
    rmSync(join(root, 'trainannot', 'a.png'));
    await expect(loadCamVid(root, 'train')).rejects.toThrow(
      `readLabelImage: cannot read ${join(root, 'trainannot', 'a.png')}: it does not exist (ENOENT)`,
    );
  });

  it('a file that is no image, or a cut-off one, says so (a bad format, not a missing file)', async () => {
    const root = await camvid('train', [{ name: 'a.png' }, { name: 'b.png' }]);
    writeFileSync(join(root, 'train', 'a.png'), 'not a png');
    const whole = readFileSync(join(root, 'trainannot', 'b.png'));
    writeFileSync(join(root, 'trainannot', 'b.png'), whole.subarray(0, whole.length - 20));
    await expect(loadCamVid(root, 'train')).rejects.toThrow(
      new RegExp(`readImage: cannot read ${join(root, 'train', 'a.png')}: not a decodable image \\(.+\\)`),
    );
    writeFileSync(join(root, 'train.txt'), 'b.png\n');
    await expect(loadCamVid(root, 'train')).rejects.toThrow(
      new RegExp(`readLabelImage: cannot read ${join(root, 'trainannot', 'b.png')}: not a decodable image \\(.+\\)`),
    );
  });

  it('split-list lines keep names with spaces, also in the SegNet form (they were cut at the first space)', async () => {
    const names = [{ name: 'street at night.png' }, { name: 'b.png' }];
    const list = '/SegNet/CamVid/train/street at night.png /SegNet/CamVid/trainannot/street at night.png\nb.png';
    const segnet = await camvid('train', names, { list });
    expect((await loadCamVid(segnet, 'train')).names).toEqual(['street at night.png', 'b.png']);
    const plain = await camvid('train', names, { list: '  street at night.png \nb.png' });
    expect((await loadCamVid(plain, 'train')).names).toEqual(['street at night.png', 'b.png']);
  });

  it.each([
    ['40000', 40_000], // was "rand: shape [120000,40000] of float32 needs 17.9 GiB" on wasm, "Invalid typed array length" on the reference backend
    ['2^31', 2 ** 31], // was "Linear: inFeatures must be an integer in [0, 2^31)"
  ])('a huge embedDim (%s) is refused by the config check, naming the field and the memory it needs', async (_, embedDim) => {
    const file = join(dir, `huge-${embedDim}.json`);
    writeFileSync(file, JSON.stringify({ ...tinyCamVidConfig(), embedDim, numHeads: 2 }));
    const fields = `fields 'embedDim' ${embedDim}, 'depth' 1 and 'mlpRatio' 4 \\(the blocks\\) make an encoder of .* weights, [\\d.]+ [GTPE]iB as float32; a model may take at most 4 GiB`;
    expect(() => parseConfig(JSON.parse(readFileSync(file, 'utf8')), file)).toThrow(new RegExp(`^${file}: ${fields}`));
    for (const argv of [['train', '--data', data], ['params']]) {
      const r = await setr(...argv, '--config', file);
      expect(r.err).toEqual([expect.stringMatching(new RegExp(`^setr: ${file}: ${fields}`))]);
    }
    expect(() => new Setr({ ...preset('setr-tiny-pup'), embedDim, numHeads: 2 })).toThrow(/'embedDim'/);
  });

  it('a folder given as the model file or as a photo is named as a folder (EISDIR named no path)', async () => {
    const run = join(dir, 'a-run');
    mkdirSync(run);
    expect((await setr('eval', '--checkpoint', run)).err).toEqual([
      `setr: eval: --checkpoint ${run} is a folder; give a model file, such as ${join(run, 'best.safetensors')}`,
    ]);
    expect((await setr('predict', '--checkpoint', modelFile, run, '--out', join(dir, 'pred-dir'))).err).toEqual([
      `setr: readImage: cannot read ${run}: it is a folder, not a file (EISDIR)`,
    ]);
  });

  it('a disk that fills while a run saves (ENOSPC) names the file being written (it named none)', async () => {
    const out = join(dir, 'full-disk');
    const write = fs.writeSync;
    const full = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: Uint8Array, ...rest: never[]) => {
      if (data.length < 1000) return write(fd, data, ...rest); // the small lock file fits; the model does not
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync);
    let r: Awaited<ReturnType<typeof setr>>;
    try {
      r = await setr('train', '--config', configFile, '--data', data, '--out', out);
    } finally {
      full.mockRestore();
    }
    expect(r.err.at(-1)).toBe(`setr: writeFileAtomic: cannot write ${join(out, 'best.safetensors')}: no space left on the device (ENOSPC)`);
    expect(readdirSync(out)).toEqual([]); // no temporary file left behind, and the lock released
  });

  it('--epochs -1 is refused plainly (it was "argument is ambiguous")', async () => {
    expect((await setr('train', '--epochs', '-1')).err).toEqual(['setr: train: --epochs -1 is not an integer ≥ 1']);
    expect((await setr('train', '--minutes', '-.5')).err).toEqual(['setr: train: --minutes -.5 is not a number > 0']);
  });

  it('trainedModelFromBytes takes the ArrayBuffer that fetch gives (it raised a bare TypeError)', async () => {
    const bytes = readFileSync(modelFile);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const { model, classNames } = trainedModelFromBytes(buffer, 'tiny.safetensors');
    expect(classNames).toEqual(CAMVID_CLASSES);
    model.dispose();
    expect(() => trainedModelFromBytes('tiny' as never, 'tiny.safetensors')).toThrow(
      'trainedModelFromBytes: tiny.safetensors: the bytes must be a Uint8Array or an ArrayBuffer, got [object String]',
    );
  });

  it('Ctrl-C during training stops after the step, says where the last complete checkpoint is and how to resume, exit 130 (it exited silently)', async () => {
    const out = join(dir, 'interrupted');
    const poll = setInterval(() => {
      if (!existsSync(join(out, 'checkpoint.json'))) return;
      clearInterval(poll);
      if (process.listenerCount('SIGINT') === 0) throw new Error('setr train installed no SIGINT handler');
      process.kill(process.pid, 'SIGINT');
    }, 5);
    const r = await setr('train', '--config', configFile, '--data', data, '--out', out, '--epochs', '500');
    clearInterval(poll);
    expect(r.status).toBe(130);
    const saved = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(r.err).toContain('interrupted: stopping after the step in progress (Ctrl-C again to quit at once)');
    expect(r.err.slice(-3)).toEqual([
      'stopped by Ctrl-C; the steps after the last complete epoch are not kept',
      `last complete checkpoint: ${join(out, 'checkpoint.json')} (epoch ${saved.epoch} of 500, step ${saved.step})`,
      `resume with: setr train --resume ${out}`,
    ]);
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(existsSync(join(out, RUN_LOCK))).toBe(false);
    const resumed = await setr('train', '--resume', out, '--data', data, '--minutes', '0.0001');
    expect(resumed.status).toBe(0);
    expect(resumed.out[0]).toMatch(/^stopped after --minutes/);
  });

  it('predict of a photo of many windows reports its progress every tenth (a 4000×3000 photo took a minute in silence)', async () => {
    const photo = join(dir, 'wide.png');
    writeFileSync(photo, await png(96, 96, 3)); // 11 × 11 windows of 16×16, stride 8
    const r = await setr('predict', '--checkpoint', modelFile, photo, '--out', join(dir, 'pred-wide'));
    expect(r.status).toBe(0);
    expect(r.err).toEqual(
      [13, 25, 37, 49, 61, 73, 85, 97, 109, 121].map((done, i) => `${photo}: ${10 * (i + 1)}% (${done} of 121 windows)`),
    );
  });
});
