import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAMVID_CLASS_WEIGHTS,
  CAMVID_CLASSES,
  CAMVID_PALETTE,
  colorizeLabels,
  encodePng,
  loadCamVid,
  raster,
  readImage,
  readLabelImage,
  type SegmentationDataset,
  writePng,
} from '../src/data/index.js';
import { CAMVID_96, CAMVID_192, makeCamVidFolder } from './support/data-fixtures.js';

const made: string[] = [];
const fake = async (...args: Parameters<typeof makeCamVidFolder>) => {
  const root = await makeCamVidFolder(...args);
  made.push(root);
  return root;
};
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

const distinct = (values: Uint8Array) => [...new Set(values)].sort((a, b) => a - b);

describe('the shipped CamVid 96×128', () => {
  let train: SegmentationDataset;
  let val: SegmentationDataset;
  // 468 photos and labels decoded: a second on a quiet machine, far more on a busy one
  beforeAll(async () => {
    [train, val] = await Promise.all([loadCamVid(CAMVID_96, 'train'), loadCamVid(CAMVID_96, 'val')]);
  }, 60_000);

  it('has 367 train and 101 val pictures at 96×128, in list order', () => {
    expect([train.length, val.length]).toEqual([367, 101]);
    expect([train.height, train.width, val.height, val.width]).toEqual([96, 128, 96, 128]);
    expect(train.images.length).toBe(367 * 96 * 128 * 3);
    expect(train.names.slice(0, 2)).toEqual(readFileSync(join(CAMVID_96, 'train.txt'), 'utf8').split('\n').slice(0, 2));
    expect(train.classNames).toEqual(CAMVID_CLASSES);
    expect(train.numClasses).toBe(11);
  });

  it('has labels 0..10 and 255 (void), never 11', () => {
    const values = distinct(train.labels);
    expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    const voidShare = train.labels.filter((v) => v === 255).length / train.labels.length;
    expect(voidShare).toBeGreaterThan(0.02); // the README says 4.0%
    expect(voidShare).toBeLessThan(0.06);
  });

  it('maps exactly the void pixels of the files to 255', async () => {
    const raw = await readLabelImage(join(CAMVID_96, 'valannot', val.names[3]));
    const loaded = val.get(3).label.data;
    for (let i = 0; i < raw.data.length; i++) {
      if (loaded[i] !== (raw.data[i] === 11 ? 255 : raw.data[i])) throw new Error(`pixel ${i}: file ${raw.data[i]}, loaded ${loaded[i]}`);
    }
    expect(raw.data).toContain(11);
  });

  it('resizes on load to any size', async () => {
    const small = await loadCamVid(CAMVID_96, 'val', { size: [48, 64] });
    expect([small.length, small.height, small.width]).toEqual([101, 48, 64]);
    expect(small.get(100).image.data.length).toBe(48 * 64 * 3);
    for (const v of distinct(small.labels)) expect(v === 255 || v < 11).toBe(true);
    const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(small.images) - mean(val.images))).toBeLessThan(0.5); // the area filter keeps the mean
  });

  it.skipIf(!existsSync(CAMVID_192))('area-resizing the 192×256 copy gives the 96×128 one (up to rounding)', async () => {
    const fromLarge = await loadCamVid(CAMVID_192, 'val', { size: [96, 128] });
    let diff = 0;
    let agree = 0;
    for (let i = 0; i < val.images.length; i++) diff += Math.abs(fromLarge.images[i] - val.images[i]);
    for (let i = 0; i < val.labels.length; i++) agree += fromLarge.labels[i] === val.labels[i] ? 1 : 0;
    expect(diff / val.images.length).toBeLessThan(1.5);
    expect(agree / val.labels.length).toBeGreaterThan(0.95); // nearest from 192 and from 360 pick nearby pixels
  });

  it('exports the classes, colours and median-frequency weights', () => {
    expect(CAMVID_CLASSES.length).toBe(11);
    expect(CAMVID_PALETTE.length).toBe(11);
    expect(CAMVID_CLASS_WEIGHTS).toEqual([0.2806, 0.2018, 4.7753, 0.1482, 1.0, 0.422, 3.8517, 1.9706, 0.7884, 6.367, 8.8588]);
    expect(CAMVID_PALETTE[3]).toEqual([128, 64, 128]); // Road
  });
});

describe('loadCamVid on other folders', () => {
  it('reads a test split without a list (the folder in name order) and SegNet-style list lines', async () => {
    const noList = await fake('test', [{ name: 'b.png' }, { name: 'a.png' }], { list: false });
    expect((await loadCamVid(noList, 'test')).names).toEqual(['a.png', 'b.png']);
    const segnet = await fake('test', [{ name: 'x.png' }], { list: '/SegNet/CamVid/test/x.png /SegNet/CamVid/testannot/x.png' });
    const ds = await loadCamVid(segnet, 'test');
    expect(ds.names).toEqual(['x.png']);
    expect([ds.height, ds.width]).toEqual([6, 8]); // the first photo's size
    expect(ds.get(0).label.data[11]).toBe(255); // 11 → void
  });

  it('names the missing folder, split, file or unreadable image', async () => {
    await expect(loadCamVid('/no/such/camvid', 'train')).rejects.toThrow('loadCamVid: no such folder: /no/such/camvid');
    const root = await fake('train', [{ name: 'a.png' }], { list: 'a.png\nmissing.png' });
    await expect(loadCamVid(root, 'val')).rejects.toThrow(
      `loadCamVid: split 'val' has neither a list ${join(root, 'val.txt')} nor a folder`,
    );
    await expect(loadCamVid(root, 'train')).rejects.toThrow(`cannot read ${join(root, 'train', 'missing.png')}`);
    writeFileSync(join(root, 'train', 'a.png'), 'not a png');
    writeFileSync(join(root, 'train.txt'), 'a.png\n');
    await expect(loadCamVid(root, 'train', { size: [6, 8] })).rejects.toThrow(`readImage: cannot read ${join(root, 'train', 'a.png')}`);
  });

  it('rejects a label value above 11, naming the file and the value', async () => {
    const label = new Uint8Array(48).fill(3);
    label[17] = 12;
    const root = await fake('train', [{ name: 'ok.png' }, { name: 'bad.png', label }]);
    await expect(loadCamVid(root, 'train')).rejects.toThrow(`loadCamVid: ${join(root, 'trainannot', 'bad.png')} has label value 12`);
  });

  it('rejects a colour label image', async () => {
    const root = await fake('train', [{ name: 'a.png' }]);
    writeFileSync(join(root, 'trainannot', 'a.png'), await encodePng(raster(6, 8, 3)));
    await expect(loadCamVid(root, 'train')).rejects.toThrow(/trainannot\/a.png must be a single-channel 8-bit image .* 3 channel/);
  });
});

describe('image files', () => {
  it('round-trips RGB and grey rasters through PNG exactly', async () => {
    const rgb = raster(
      5,
      7,
      3,
      Uint8Array.from({ length: 105 }, (_, i) => (i * 29) % 256),
    );
    const path = join(await fake('x', []), 'rgb.png');
    await writePng(path, rgb);
    expect(await readImage(path)).toEqual(rgb);
    const grey = raster(
      3,
      4,
      1,
      Uint8Array.from({ length: 12 }, (_, i) => i * 20),
    );
    await writePng(path, grey);
    expect((await readLabelImage(path)).data).toEqual(grey.data);
    const asPhoto = await readImage(path); // grey photos come back as RGB
    expect(asPhoto.channels).toBe(3);
    expect([...asPhoto.data.subarray(3, 6)]).toEqual([20, 20, 20]);
  });

  it('reads any image at a requested size', async () => {
    const path = join(await fake('x', []), 'big.png');
    await writePng(path, raster(40, 60, 3, new Uint8Array(40 * 60 * 3).fill(90)));
    const img = await readImage(path, { size: [10, 15] });
    expect([img.height, img.width, img.channels]).toEqual([10, 15, 3]);
    expect(distinct(img.data)).toEqual([90]);
    await expect(readImage('/no/such.png')).rejects.toThrow('readImage: cannot read /no/such.png');
    await expect(encodePng(raster(1, 1, 2))).rejects.toThrow('encodePng: expected 1 or 3 channels, got 2');
  });

  it('colours label maps with a palette, ignored pixels in their own colour', () => {
    const label = raster(1, 3, 1, Uint8Array.from([0, 3, 255]));
    expect([...colorizeLabels(label, CAMVID_PALETTE, [1, 2, 3]).data]).toEqual([128, 128, 128, 128, 64, 128, 1, 2, 3]);
    expect(() => colorizeLabels(raster(1, 1, 1, Uint8Array.from([11])), CAMVID_PALETTE)).toThrow('colorizeLabels: label 11 has no colour');
  });
});
