/**
 * Finding a split's pairs on disk, the part every layout shares: the photos are the files under one
 * folder (its subfolders included, as mmseg lists them) whose names end in the photo suffix — or the
 * stems a split list gives — and each photo's label is the file of the same stem, with the label
 * suffix, under the label folder. Pairs come in path order (mmseg sorts them so). A missing folder, and
 * a photo without its label, are errors naming the paths, found before any training starts.
 *
 *   <imageDir>/<stem><imageSuffix>  ↔  <labelDir>/<stem><labelSuffix>
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileError } from '@setr-ts/nn';
import type { FilePair } from './file-dataset.js';

/** Whether `path` is a folder (a link to one counts); false where nothing is there. */
export async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Where a split's photos and labels are, and how their names end. */
export interface PairLayout {
  /** The photos' folder. */
  readonly imageDir: string;
  /** The label maps' folder. */
  readonly labelDir: string;
  /** How a photo's file name ends (e.g. `.jpg`, `_leftImg8bit.png`). */
  readonly imageSuffix: string;
  /** How a label's file name ends (e.g. `.png`, `_gtFine_labelIds.png`). */
  readonly labelSuffix: string;
  /** Who is asking, for errors (e.g. `openMmseg`). */
  readonly what: string;
}

/** Every file under `dir` (a link to a file counts as that file), as paths relative to it with `/` between folders. */
async function filesUnder(dir: string, what: string): Promise<string[]> {
  const info = await stat(dir).catch((e) => {
    throw fileError(e, what, 'read', dir);
  });
  if (!info.isDirectory()) throw new Error(`${what}: ${dir} is not a folder`);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const isFile = async (e: Dirent) =>
    e.isFile() || (e.isSymbolicLink() && (await stat(join(e.parentPath, e.name)).catch(() => null))?.isFile());
  const files = (await Promise.all(entries.map(async (e) => ((await isFile(e)) ? e : null)))).filter((e) => e !== null);
  return files.map((e) =>
    join(e.parentPath, e.name)
      .slice(dir.length + 1)
      .split(sep)
      .join('/'),
  );
}

/**
 * The stems a split list gives, one a line (blank lines skipped, the line kept whole: names may hold
 * spaces); the file must exist.
 * @example await readStems('data/voc/splits/train.txt')   // ['2007_000032', ...]
 */
export async function readStems(path: string, what: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fileError(e, what, 'read', path);
  }
  const stems = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (stems.length === 0) throw new Error(`${what}: ${path} lists no pictures`);
  return stems;
}

/**
 * The split's pairs: every photo under `imageDir`, or those of `stems` when given, each with its label.
 * @example await listPairs({ imageDir: 'ade/images/training', labelDir: 'ade/annotations/training', imageSuffix: '.jpg', labelSuffix: '.png', what: 'openAde20k' })
 */
export async function listPairs(layout: PairLayout, stems?: readonly string[]): Promise<FilePair[]> {
  const { imageDir, labelDir, imageSuffix, labelSuffix, what } = layout;
  const photos = await filesUnder(imageDir, what);
  const labels = new Set(await filesUnder(labelDir, what));
  const found = photos.filter((f) => f.endsWith(imageSuffix)).map((f) => f.slice(0, f.length - imageSuffix.length));
  if (stems) {
    const present = new Set(found);
    const missing = stems.find((s) => !present.has(s));
    if (missing !== undefined)
      throw new Error(`${what}: the split list names ${missing}, but there is no photo ${join(imageDir, missing + imageSuffix)}`);
  }
  const chosen = stems ? [...stems] : found.sort();
  if (chosen.length === 0) throw new Error(`${what}: ${imageDir} holds no photo whose name ends in ${imageSuffix}`);
  return chosen.map((stem) => {
    if (!labels.has(stem + labelSuffix))
      throw new Error(
        `${what}: the photo ${join(imageDir, stem + imageSuffix)} has no label: expected ${join(labelDir, stem + labelSuffix)}`,
      );
    return { name: stem, image: join(imageDir, stem + imageSuffix), label: join(labelDir, stem + labelSuffix) };
  });
}
