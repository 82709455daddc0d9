/**
 * The dataset layouts (issue 22, section 1): mmseg's custom layout, Cityscapes and ADE20K read from
 * small generated folders whose pictures all differ in size — detected, listed in order, their labels
 * mapped (reduce_zero_label, Cityscapes' label ids → train ids), fitted into memory for evaluation —
 * and each trained and evaluated by the command line; and what is refused, naming the file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend } from '@setr-ts/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADE20K_CLASSES,
  CITYSCAPES_CLASSES,
  detectFormat,
  encodePng,
  type FilePair,
  fitSample,
  IGNORE_INDEX,
  loadIntoMemory,
  loadSplit,
  openDataset,
  preset,
  raster,
  readLabelImage,
  readPair,
  type SetrConfig,
} from '../src/index.js';
import { shrink } from './support/configs.js';
import { CAMVID_96 } from './support/data-fixtures.js';
import { makeAde20kFolder, makeCityscapesFolder, makeMmsegFolder, TRAIN_SIZES, VAL_SIZES } from './support/layout-fixtures.js';
import { setr } from './support/tiny-camvid.js';

const made: string[] = [];
const track = (root: string) => {
  made.push(root);
  return root;
};
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

describe('detectFormat', () => {
  it('tells each layout from its folders', async () => {
    expect(await detectFormat(CAMVID_96)).toBe('camvid');
    expect(await detectFormat(track(await makeMmsegFolder()))).toBe('mmseg');
    expect(await detectFormat(track(await makeCityscapesFolder()))).toBe('cityscapes');
    const ade = track(await makeAde20kFolder());
    expect(await detectFormat(ade)).toBe('ade20k');
    expect(await detectFormat(join(ade, 'ADEChallengeData2016'))).toBe('ade20k');
  });

  it('follows links: linked folders and linked files count as what they link to', async () => {
    const root = track(await makeMmsegFolder());
    const linked = track(mkdtempSync(join(tmpdir(), 'setr-linked-')));
    for (const f of ['img_dir', 'dataset.json']) symlinkSync(join(root, f), join(linked, f));
    mkdirSync(join(linked, 'ann_dir/train'), { recursive: true });
    for (const n of readdirSync(join(root, 'ann_dir/train'))) symlinkSync(join(root, 'ann_dir/train', n), join(linked, 'ann_dir/train', n));
    expect(await detectFormat(linked)).toBe('mmseg');
    const train = await openDataset(linked, 'train');
    expect(train.files.map((f) => f.name)).toEqual(['train_0', 'train_1', 'train_2', 'train_3']);
  });

  it('says what it looked for, and that --format can say it', async () => {
    const empty = track(await makeMmsegFolder());
    rmSync(join(empty, 'img_dir'), { recursive: true });
    await expect(detectFormat(empty)).rejects.toThrow(
      /cannot tell the layout of .*: it has none of <split> and <split>annot \(camvid\).*give the format \(--format\)/,
    );
    await expect(openDataset(empty, 'train', 'pascal')).rejects.toThrow(
      /unknown dataset format 'pascal' \(formats: camvid, mmseg, cityscapes, ade20k\)/,
    );
  });
});

describe('the mmseg layout', () => {
  it('lists the photos in name order with their labels, classes and colours from dataset.json', async () => {
    const root = track(await makeMmsegFolder());
    const train = await openDataset(root, 'train');
    expect(train.format).toBe('mmseg');
    expect(train.files.map((f) => f.name)).toEqual(['train_0', 'train_1', 'train_2', 'train_3']);
    expect(train.files[0]).toEqual({
      name: 'train_0',
      image: join(root, 'img_dir/train/train_0.jpg'),
      label: join(root, 'ann_dir/train/train_0.png'),
    });
    expect(train.classNames).toEqual(['sky', 'road', 'car']);
    const { image, label } = await readPair(train.files[3], train.labelTable);
    expect([image.height, image.width, image.channels, label.channels]).toEqual([...TRAIN_SIZES[3], 3, 1]);
    expect(new Set(label.data)).toEqual(new Set(await readLabelValues(train.files[3].label)));
  });

  it('follows the split lists of ann_file, in their order', async () => {
    const root = track(await makeMmsegFolder({ splitFiles: true }));
    expect((await openDataset(root, 'val')).files.map((f) => f.name)).toEqual(['val_1', 'val_0']);
  });

  it('with reduce_zero_label, ignores 0 and moves every class down by one', async () => {
    const root = track(await makeMmsegFolder({ reduceZeroLabel: true }));
    const train = await openDataset(root, 'train');
    for (const f of train.files) {
      const before = await readLabelValues(f.label);
      const { label } = await readPair(f, train.labelTable);
      expect([...label.data]).toEqual(before.map((v) => (v === 0 ? IGNORE_INDEX : v - 1)));
    }
  });

  it.each([
    [{ classes: [] }, /field 'classes' must be a non-empty list of class names, got \[\]/],
    [{ palette: [[0, 0, 0]] }, /3 classes but 1 palette colours/],
    [
      {
        palette: [
          [0, 0, 0],
          [1, 1],
          [2, 2, 2],
        ],
      },
      /field 'palette' must be a list of \[r, g, b\] colours/,
    ],
    [
      { seg_suffix: '.png' },
      /unknown field 'seg_suffix' \(fields: classes, palette, img_suffix, seg_map_suffix, reduce_zero_label, ann_file\)/,
    ],
    [{ ann_file: { train: 'nowhere.txt' } }, /openMmseg: cannot read .*nowhere\.txt: it does not exist/],
    [{ img_suffix: '.png' }, /img_dir\/train holds no photo whose name ends in \.png/],
  ])('refuses dataset.json %j, naming the file and the field', async (json, why) => {
    const root = track(await makeMmsegFolder({ json }));
    await expect(openDataset(root, 'train')).rejects.toThrow(why);
    await expect(openDataset(root, 'train')).rejects.toThrow(join(root, ''));
  });

  it('refuses a folder without dataset.json, and a photo without its label, naming the files', async () => {
    const root = track(await makeMmsegFolder());
    rmSync(join(root, 'ann_dir/train/train_2.png'));
    await expect(openDataset(root, 'train')).rejects.toThrow(
      `openMmseg: the photo ${join(root, 'img_dir/train/train_2.jpg')} has no label: expected ${join(root, 'ann_dir/train/train_2.png')}`,
    );
    rmSync(join(root, 'dataset.json'));
    await expect(openDataset(root, 'train')).rejects.toThrow(`openMmseg: ${join(root, 'dataset.json')} does not exist`);
  });

  it('refuses a label value the dataset never writes, naming the file', async () => {
    const root = track(await makeMmsegFolder());
    const train = await openDataset(root, 'train');
    const [h, w] = TRAIN_SIZES[1];
    writeFileSync(train.files[1].label, await encodePng(raster(h, w, 1, new Uint8Array(h * w).fill(7))));
    await expect(readPair(train.files[1], train.labelTable)).rejects.toThrow(
      `mapLabels: ${train.files[1].label} has label value 7, which this dataset never writes (values 0..2, 255)`,
    );
  });
});

describe('Cityscapes', () => {
  it('maps the 34 label ids to the 19 train ids, everything else to 255', async () => {
    const root = track(await makeCityscapesFolder());
    const train = await openDataset(root, 'train');
    expect(train.classNames).toEqual(CITYSCAPES_CLASSES);
    expect(train.files.map((f) => f.name)).toEqual([
      'aachen/aachen_000000_000000',
      'aachen/aachen_000000_000002',
      'bremen/bremen_000000_000001',
      'bremen/bremen_000000_000003',
    ]);
    // cityscapesScripts' labels.py, written out: [label id, train id]
    // biome-ignore format: a table
    const trainIds = new Map([
      [7, 0], [8, 1], [11, 2], [12, 3], [13, 4], [17, 5], [19, 6], [20, 7], [21, 8], [22, 9],
      [23, 10], [24, 11], [25, 12], [26, 13], [27, 14], [28, 15], [31, 16], [32, 17], [33, 18],
    ]);
    for (const f of train.files) {
      const ids = await readLabelValues(f.label);
      const { label } = await readPair(f, train.labelTable);
      expect([...label.data]).toEqual(ids.map((id) => trainIds.get(id) ?? IGNORE_INDEX));
    }
  });
});

describe('ADE20K', () => {
  it('reads train and val as training and validation, with reduce_zero_label and 150 classes', async () => {
    const root = track(await makeAde20kFolder());
    const val = await openDataset(root, 'val');
    expect(val.classNames).toEqual(ADE20K_CLASSES);
    expect(val.classNames).toHaveLength(150);
    expect(val.files.map((f) => f.name)).toEqual(['ADE_val_00000001', 'ADE_val_00000002']);
    const before = await readLabelValues(val.files[0].label);
    const { label } = await readPair(val.files[0], val.labelTable);
    expect([...label.data]).toEqual(before.map((v) => (v === 0 ? IGNORE_INDEX : v - 1)));
  });
});

describe('a split of pictures of different sizes in memory', () => {
  it('fits each into one size keeping its ratio, padding labelled 255', async () => {
    const root = track(await makeMmsegFolder());
    const files = await openDataset(root, 'val');
    const val = await loadIntoMemory(files, { size: [16, 16] });
    expect([val.length, val.height, val.width]).toEqual([2, 16, 16]);
    // val_0 is 18×26: scaled by 16/26 to 11×16, the 5 rows below padded
    const { image, label } = fitSample(await readPair(files.files[0], files.labelTable), [16, 16]);
    expect(val.get(0).label.data).toEqual(label.data);
    expect(val.get(0).image.data).toEqual(image.data);
    expect([...label.data.subarray(11 * 16)].every((v) => v === IGNORE_INDEX)).toBe(true);
    expect([...image.data.subarray(11 * 16 * 3, 11 * 16 * 3 + 3)]).toEqual([124, 116, 104]);
    expect(label.data.subarray(0, 11 * 16).some((v) => v !== IGNORE_INDEX)).toBe(true);
    // val_1 is 22×16: scaled by 16/22 to 16×12, padded on the right
    expect(val.get(1).label.data[15]).toBe(IGNORE_INDEX);
    expect(await loadSplit(root, 'val', { size: [16, 16] })).toEqual(val);
  });
});

describe('setr train and setr eval on each layout', () => {
  beforeAll(async () => {
    await setBackend('wasm');
  });

  /** A one-block SETR at 16×16 for `classes` classes, a crop of 16×16 from each picture rescaled to 24×16 (long, short) × r. */
  function tinyConfig(classes: number, classWeights = true): string {
    const base = preset('setr-tiny-pup');
    const model = shrink(base, { imgSize: [16, 16], embedDim: 16, depth: 1, numHeads: 2, channels: 8, auxTaps: [0], numClasses: classes });
    const config: SetrConfig = {
      ...model,
      train: { ...base.train, batchSize: 2, epochs: 1, warmupIters: 1, scale: [24, 16], catMaxRatio: 0.75, classWeights },
    };
    const path = join(track(mkdtempSync(join(tmpdir(), 'setr-layout-config-'))), 'tiny.json');
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  it.each([
    ['mmseg', () => makeMmsegFolder({ reduceZeroLabel: true, splitFiles: true }), 3],
    ['cityscapes', makeCityscapesFolder, 19],
    ['ade20k', makeAde20kFolder, 150],
  ] as const)('%s: trains streamed from disk and evaluates', async (format, make, classes) => {
    const root = track(await make());
    const config = tinyConfig(classes);
    const out = join(root, 'run');
    const trained = await setr('train', '--config', config, '--data', root, '--out', out);
    expect(trained.err.filter((l) => l.startsWith('setr:'))).toEqual([]);
    expect(trained.status).toBe(0);
    expect(trained.err[0]).toContain(`(${format}: ${TRAIN_SIZES.length} train streamed from disk, ${VAL_SIZES.length} val at 16×16)`);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.classNames).toHaveLength(classes);
    expect(metrics.epochs[0].valIoU).toHaveLength(classes);
    const scored = await setr('eval', '--checkpoint', join(out, 'best.safetensors'), '--data', root, '--format', format, '--json');
    expect(scored.status).toBe(0);
    const json = JSON.parse(scored.out[0]);
    expect(json.images).toBe(VAL_SIZES.length);
    expect(json.miou).toBeCloseTo(metrics.epochs[0].valMeanIoU, 12);
  });

  /** Damage to one training pair, and the file the run must name when it stops (null: it trains). */
  const DAMAGE: Record<string, (f: FilePair) => Promise<{ file: string; why: RegExp } | null>> = {
    'truncated photo': async (f) => {
      writeFileSync(f.image, readFileSync(f.image).subarray(0, 40));
      return { file: f.image, why: /not a decodable image/ };
    },
    'label in colour': async (f) => {
      writeFileSync(f.label, await encodePng(raster(4, 4, 3)));
      return { file: f.label, why: /must be a single-channel 8-bit image/ };
    },
    'label of another size than its photo': async (f) => {
      writeFileSync(f.label, await encodePng(raster(5, 7, 1)));
      return { file: f.label, why: /is 5×7 but its photo .* is \d+×\d+/ };
    },
    'label value out of range': async (f) => {
      const label = await readLabelImage(f.label);
      writeFileSync(f.label, await encodePng({ ...label, data: label.data.fill(200) }));
      return f.label.includes('gtFine') ? null : { file: f.label, why: /has label value 200, which this dataset never writes/ }; // Cityscapes: any other id is 255
    },
    'missing label': async (f) => {
      rmSync(f.label);
      return { file: f.label, why: /has no label: expected/ };
    },
  };

  it.each((['mmseg', 'cityscapes', 'ade20k'] as const).flatMap((format) => Object.keys(DAMAGE).map((kind) => [format, kind] as const)))(
    '%s with a %s: stops with one line naming the file, or trains',
    async (format, kind) => {
      const make = { mmseg: makeMmsegFolder, cityscapes: makeCityscapesFolder, ade20k: makeAde20kFolder }[format];
      const root = track(await make());
      const outcome = await DAMAGE[kind]((await openDataset(root, 'train')).files[1]);
      const classes = { mmseg: 3, cityscapes: 19, ade20k: 150 }[format];
      const r = await setr('train', '--config', tinyConfig(classes, false), '--data', root, '--out', join(root, 'run'));
      const errors = r.err.filter((l) => l.startsWith('setr:'));
      if (outcome === null) {
        expect(errors).toEqual([]);
        expect(r.status).toBe(0);
      } else {
        expect(r.status).toBe(1);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain(outcome.file);
        expect(errors[0]).toMatch(outcome.why);
      }
    },
  );
});

/** A label file's values as they are in the file. */
async function readLabelValues(path: string): Promise<number[]> {
  return [...(await readLabelImage(path)).data];
}
