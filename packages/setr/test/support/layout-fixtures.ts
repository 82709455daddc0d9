/**
 * Small datasets in each layout, written on the fly, their pictures of different sizes: an mmseg
 * folder (dataset.json, split lists, optionally reduce_zero_label), a Cityscapes folder (two cities,
 * label ids 0..33) and an ADE20K folder (JPEG photos, 0..150) — and the bundled CamVid rewritten in
 * the mmseg layout, for comparing the two loaders.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { CAMVID_CLASSES, CAMVID_PALETTE, CAMVID_VOID, encodePng, IGNORE_INDEX, Rng, raster, readLabelImage } from '../../src/index.js';

/** The sizes [h, w] of the pictures of a generated split: all different, none of the crop's ratio. */
export const TRAIN_SIZES: readonly [number, number][] = [
  [20, 28],
  [24, 18],
  [16, 16],
  [30, 22],
];
export const VAL_SIZES: readonly [number, number][] = [
  [18, 26],
  [22, 16],
];

/** Writes a photo (noise, PNG or JPEG by the suffix) and a label map whose values are drawn from `values`. */
export async function writePair(photo: string, label: string, [h, w]: readonly [number, number], values: readonly number[], rng: Rng) {
  mkdirSync(dirname(photo), { recursive: true });
  mkdirSync(dirname(label), { recursive: true });
  const rgb = Uint8Array.from({ length: h * w * 3 }, () => rng.int(256));
  const png = photo.endsWith('.jpg')
    ? await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
        .jpeg()
        .toBuffer()
    : await encodePng(raster(h, w, 3, rgb));
  writeFileSync(photo, png);
  // blocks of one value, so that a crop holds a few classes
  const labels = new Uint8Array(h * w);
  const blocks = values.map(() => values[rng.int(values.length)]);
  for (let p = 0; p < h * w; p++) labels[p] = blocks[Math.floor(((p % w) * blocks.length) / w)];
  writeFileSync(label, await encodePng(raster(h, w, 1, labels)));
}

const fresh = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Options of {@link makeMmsegFolder}. */
export interface MmsegFolderOptions {
  /** Class names (default 3: sky, road, car). */
  classes?: string[];
  /** Write `reduce_zero_label: true`, labels 0..K in the files. */
  reduceZeroLabel?: boolean;
  /** Write split lists (in reverse name order, to show they are followed). */
  splitFiles?: boolean;
  /** Extra fields for dataset.json. */
  json?: Record<string, unknown>;
}

/** An mmseg-layout folder: train 4 pictures, val 2, `.jpg` photos and `.png` labels as mmseg's defaults. Returns the root. */
export async function makeMmsegFolder(opts: MmsegFolderOptions = {}): Promise<string> {
  const root = fresh('setr-mmseg-');
  const classes = opts.classes ?? ['sky', 'road', 'car'];
  const k = classes.length;
  const values = opts.reduceZeroLabel
    ? Array.from({ length: k + 1 }, (_, v) => v)
    : [...Array.from({ length: k }, (_, v) => v), IGNORE_INDEX];
  const rng = new Rng(1);
  const annFile: Record<string, string> = {};
  for (const [split, sizes] of [
    ['train', TRAIN_SIZES],
    ['val', VAL_SIZES],
  ] as const) {
    const stems = sizes.map((_, i) => `${split}_${i}`);
    for (const [i, stem] of stems.entries())
      await writePair(join(root, 'img_dir', split, `${stem}.jpg`), join(root, 'ann_dir', split, `${stem}.png`), sizes[i], values, rng);
    if (opts.splitFiles) {
      mkdirSync(join(root, 'splits'), { recursive: true });
      writeFileSync(join(root, 'splits', `${split}.txt`), `${[...stems].reverse().join('\n')}\n`);
      annFile[split] = `splits/${split}.txt`;
    }
  }
  const palette = classes.map((_, c) => [(c * 80) % 256, (c * 150) % 256, (c * 40) % 256]);
  const json = {
    classes,
    palette,
    reduce_zero_label: Boolean(opts.reduceZeroLabel),
    ...(opts.splitFiles ? { ann_file: annFile } : {}),
    ...opts.json,
  };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify(json));
  return root;
}

/** A Cityscapes folder: train 4 pictures in two cities, val 2 in one; label ids drawn from 0..33. Returns the root. */
export async function makeCityscapesFolder(): Promise<string> {
  const root = fresh('setr-cityscapes-');
  const rng = new Rng(2);
  const ids = Array.from({ length: 34 }, (_, id) => id);
  for (const [split, sizes, cities] of [
    ['train', TRAIN_SIZES, ['aachen', 'bremen']],
    ['val', VAL_SIZES, ['lindau']],
  ] as const) {
    for (const [i, size] of sizes.entries()) {
      const city = cities[i % cities.length];
      const base = `${city}_000000_${String(i).padStart(6, '0')}`;
      await writePair(
        join(root, 'leftImg8bit', split, city, `${base}_leftImg8bit.png`),
        join(root, 'gtFine', split, city, `${base}_gtFine_labelIds.png`),
        size,
        ids,
        rng,
      );
    }
  }
  return root;
}

/** An ADE20K download: `<root>/ADEChallengeData2016/{images,annotations}/{training,validation}`, values 0..150. Returns the root. */
export async function makeAde20kFolder(): Promise<string> {
  const root = fresh('setr-ade20k-');
  const base = join(root, 'ADEChallengeData2016');
  const rng = new Rng(3);
  const values = Array.from({ length: 151 }, (_, v) => v);
  for (const [folder, prefix, sizes] of [
    ['training', 'ADE_train', TRAIN_SIZES],
    ['validation', 'ADE_val', VAL_SIZES],
  ] as const) {
    for (const [i, size] of sizes.entries()) {
      const stem = `${prefix}_${String(i + 1).padStart(8, '0')}`;
      await writePair(join(base, 'images', folder, `${stem}.jpg`), join(base, 'annotations', folder, `${stem}.png`), size, values, rng);
    }
  }
  return root;
}

/**
 * The CamVid folder `src` rewritten in the mmseg layout: the photos copied, the labels with void (11)
 * written as 255, the split lists as `ann_file` in the CamVid lists' order, CamVid's classes and
 * colours in dataset.json. Returns the root.
 */
export async function camVidAsMmseg(src: string, splits: readonly string[]): Promise<string> {
  const root = fresh('setr-camvid-mmseg-');
  const annFile: Record<string, string> = {};
  for (const split of splits) {
    const names = readFileSync(join(src, `${split}.txt`), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean);
    mkdirSync(join(root, 'img_dir', split), { recursive: true });
    mkdirSync(join(root, 'ann_dir', split), { recursive: true });
    for (const name of names) {
      copyFileSync(join(src, split, name), join(root, 'img_dir', split, name));
      const label = await readLabelImage(join(src, `${split}annot`, name));
      for (let i = 0; i < label.data.length; i++) if (label.data[i] === CAMVID_VOID) label.data[i] = IGNORE_INDEX;
      writeFileSync(join(root, 'ann_dir', split, name), await encodePng(label));
    }
    writeFileSync(join(root, `${split}.txt`), `${names.map((n) => n.replace(/\.png$/, '')).join('\n')}\n`);
    annFile[split] = `${split}.txt`;
  }
  const json = { classes: CAMVID_CLASSES, palette: CAMVID_PALETTE, img_suffix: '.png', seg_map_suffix: '.png', ann_file: annFile };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify(json));
  return root;
}
