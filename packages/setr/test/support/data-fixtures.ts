/**
 * Paths and small fixtures for the data tests: the CamVid copy this repository ships, the larger copy in
 * the shared folder beside the repository (tests that need it skip where it is absent), and tiny
 * CamVid-layout folders written on the fly to exercise the loader's errors.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng, raster } from '../../src/data/index.js';

/** data/camvid/96x128 at the repository root. */
export const CAMVID_96 = fileURLToPath(new URL('../../../../data/camvid/96x128', import.meta.url));
/** ../shared/data/camvid/192x256 beside the repository. */
export const CAMVID_192 = fileURLToPath(new URL('../../../../../shared/data/camvid/192x256', import.meta.url));

export interface FakeFile {
  name: string;
  /** RGB bytes, [h, w, 3]; a gradient when omitted. */
  image?: Uint8Array;
  /** Label bytes [h, w]; `i mod 12` when omitted. */
  label?: Uint8Array;
}

/**
 * A CamVid-layout folder in a fresh temporary directory (or `root`, to add a split to one) with
 * `split/`, `splitannot/` and, unless `list` is false, `<split>.txt`. Returns the root.
 */
export async function makeCamVidFolder(
  split: string,
  files: FakeFile[],
  opts: { size?: [number, number]; list?: boolean | string; root?: string } = {},
): Promise<string> {
  const [h, w] = opts.size ?? [6, 8];
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'setr-camvid-'));
  mkdirSync(join(root, split));
  mkdirSync(join(root, `${split}annot`));
  for (const f of files) {
    const image = f.image ?? Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 7) % 256);
    const label = f.label ?? Uint8Array.from({ length: h * w }, (_, i) => i % 12);
    writeFileSync(join(root, split, f.name), await encodePng(raster(h, w, 3, image)));
    writeFileSync(join(root, `${split}annot`, f.name), await encodePng(raster(h, w, 1, label)));
  }
  if (opts.list !== false) {
    const text = typeof opts.list === 'string' ? opts.list : files.map((f) => f.name).join('\n');
    writeFileSync(join(root, `${split}.txt`), `${text}\n`);
  }
  return root;
}
