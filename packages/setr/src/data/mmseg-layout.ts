/**
 * mmsegmentation's custom dataset layout (its `BaseSegDataset`), for a dataset of one's own:
 *
 *   <root>/dataset.json                   the classes, their colours, and how the files are named
 *   <root>/img_dir/<split>/<stem><img_suffix>       photos (subfolders allowed)
 *   <root>/ann_dir/<split>/<stem><seg_map_suffix>   8-bit label maps: class indices, 255 ignored
 *
 * dataset.json holds what an mmseg config's dataset section would, under mmseg's names:
 *
 *   { "classes": ["sky", "road", ...],             required: K names
 *     "palette": [[128, 128, 128], ...],           required: an RGB colour per class
 *     "img_suffix": ".jpg",                        default ".jpg"
 *     "seg_map_suffix": ".png",                    default ".png"
 *     "reduce_zero_label": false,                  default false: 0 is unlabelled, 1..K the classes
 *     "ann_file": { "train": "splits/train.txt" }  optional, per split: a list of stems (else every photo)
 *   }
 *
 * Any other field, or one of the wrong type, is an error naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError } from '@setr-ts/nn';
import { FileDataset } from './file-dataset.js';
import { listPairs, readStems } from './file-pairs.js';
import { plainLabelTable, reduceZeroLabelTable } from './label-table.js';

/** dataset.json of an mmseg-layout folder, as read. */
export interface MmsegDatasetJson {
  /** The class names, in label order. */
  readonly classes: string[];
  /** An RGB colour per class. */
  readonly palette: [number, number, number][];
  /** How a photo's file name ends. */
  readonly img_suffix: string;
  /** How a label's file name ends. */
  readonly seg_map_suffix: string;
  /** Whether the files' 0 is unlabelled and 1..K are the classes. */
  readonly reduce_zero_label: boolean;
  /** A split list per split, relative to the root. */
  readonly ann_file: Record<string, string>;
}

const isColour = (c: unknown) => Array.isArray(c) && c.length === 3 && c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
const isString = (v: unknown) => typeof v === 'string';

const FIELDS: Record<keyof MmsegDatasetJson, [(v: unknown) => boolean, string]> = {
  classes: [(v) => Array.isArray(v) && v.length > 0 && v.every(isString), 'a non-empty list of class names'],
  palette: [(v) => Array.isArray(v) && v.every(isColour), 'a list of [r, g, b] colours, 0..255'],
  img_suffix: [isString, 'a string'],
  seg_map_suffix: [isString, 'a string'],
  reduce_zero_label: [(v) => typeof v === 'boolean', 'true or false'],
  ann_file: [
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString),
    'an object from split name to list file',
  ],
};

/**
 * dataset.json of the folder `root`, checked and with mmseg's defaults filled in.
 * @example (await readMmsegDatasetJson('data/mine')).classes   // ['background', 'crack']
 */
export async function readMmsegDatasetJson(root: string): Promise<MmsegDatasetJson> {
  const path = join(root, 'dataset.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`openMmseg: ${path} does not exist; an mmseg-layout folder needs it, with at least "classes" and "palette"`);
    if (e instanceof SyntaxError) throw new Error(`openMmseg: ${path} is not valid JSON (${e.message})`);
    throw fileError(e, 'openMmseg', 'read', path);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`openMmseg: ${path} must hold a JSON object`);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(FIELDS, key))
      throw new Error(`openMmseg: ${path}: unknown field '${key}' (fields: ${Object.keys(FIELDS).join(', ')})`);
  }
  const json = { img_suffix: '.jpg', seg_map_suffix: '.png', reduce_zero_label: false, ann_file: {}, ...raw } as MmsegDatasetJson;
  for (const [key, [ok, what]] of Object.entries(FIELDS)) {
    const v = json[key as keyof MmsegDatasetJson];
    if (v === undefined) throw new Error(`openMmseg: ${path}: field '${key}' is missing; it must be ${what}`);
    if (!ok(v)) throw new Error(`openMmseg: ${path}: field '${key}' must be ${what}, got ${JSON.stringify(v)}`);
  }
  if (json.palette.length !== json.classes.length)
    throw new Error(`openMmseg: ${path}: ${json.classes.length} classes but ${json.palette.length} palette colours`);
  return json;
}

/**
 * One split of an mmseg-layout folder, on disk.
 * @example const train = await openMmseg('data/mine', 'train');   // train.files[0].image: 'data/mine/img_dir/train/a.jpg'
 */
export async function openMmseg(root: string, split: string): Promise<FileDataset> {
  const json = await readMmsegDatasetJson(root);
  const list = json.ann_file[split];
  const stems = list === undefined ? undefined : await readStems(join(root, list), 'openMmseg');
  const layout = {
    imageDir: join(root, 'img_dir', split),
    labelDir: join(root, 'ann_dir', split),
    imageSuffix: json.img_suffix,
    labelSuffix: json.seg_map_suffix,
    what: 'openMmseg',
  };
  const k = json.classes.length;
  return new FileDataset({
    format: 'mmseg',
    files: await listPairs(layout, stems),
    classNames: json.classes,
    palette: json.palette,
    labelTable: json.reduce_zero_label ? reduceZeroLabelTable(k) : plainLabelTable(k),
  });
}
