/**
 * A split's list file (CamVid's `<root>/<split>.txt`): the split's pictures, one a line, either as a
 * file name (spaces and all) or in the SegNet tutorial's form, the photo's and the label's paths on one
 * line, "/path/train/x.png /path/trainannot/x.png". A line is read as such a pair when it splits at a
 * run of spaces into two paths ending in the same file name; otherwise the whole line is one name.
 * Reading the file is the loader's (a folder's in camvid.ts, a web server's in camvid-fetch.ts).
 */

/** The last part of a `/`-separated path. */
const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

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
    if (fileName(photo) === fileName(label)) return fileName(photo);
  }
  return fileName(text);
}

/**
 * The names a list file's text gives, in order (blank lines skipped).
 * @example parseSplitList('a.png\r\n\nb.png\n')   // ['a.png', 'b.png']
 */
export function parseSplitList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(splitLine);
}
