/**
 * A split's list file (CamVid's `<root>/<split>.txt`): the split's pictures, one a line, either as a
 * file name (spaces and all) or in the SegNet tutorial's form, the photo's and the label's paths on one
 * line, "/path/train/x.png /path/trainannot/x.png". A line is read as such a pair when it splits at a
 * run of spaces into two paths ending in the same file name; otherwise the whole line is one name.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileError } from '@setr-ts/nn';

/**
 * The file name a list line gives.
 * @example
 * splitLine('0001TP_006690.png')                          // '0001TP_006690.png'
 * splitLine('/C/train/a b.png /C/trainannot/a b.png')     // 'a b.png'
 * splitLine('street at night.png')                        // 'street at night.png'
 */
export function splitLine(line: string): string {
  const text = line.trim();
  for (const gap of text.matchAll(/\s+/g)) {
    const photo = text.slice(0, gap.index);
    const label = text.slice(gap.index + gap[0].length);
    if (basename(photo) === basename(label)) return basename(photo);
  }
  return basename(text);
}

/**
 * The names a list file gives, in order (blank lines skipped), or null when the file does not exist.
 * Any other failure to read it (a folder, permission denied) is an error naming the file: a list that
 * exists but cannot be read must not quietly give way to the folder's listing.
 * @example await readSplitList('data/camvid/96x128/val.txt')   // ['0016E5_07959.png', ...]
 */
export async function readSplitList(path: string): Promise<string[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError(e, 'readSplitList', 'read', path);
  }
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(splitLine);
}
