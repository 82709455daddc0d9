/**
 * The `--data` and `--format` flags: a dataset folder in one of the layouts of dataset-format.ts (by
 * default the 96×128 CamVid copy shipped in the repository) and its layout, told from its folders
 * unless given.
 */
import { fileURLToPath } from 'node:url';
import { DATASET_FORMATS, type DatasetFormat, resolveFormat } from '../data/dataset-format.js';
import type { Flags, Parsed } from './args.js';

/** `data/camvid/96x128` at the repository root (this file is at packages/setr/{src,dist}/cli/). */
export const BUNDLED_CAMVID = fileURLToPath(new URL('../../../../data/camvid/96x128', import.meta.url));

/** The flags, for train and eval. */
export const DATA_FLAGS: Flags = {
  data: {
    type: 'string',
    help: 'a dataset folder in the CamVid, mmseg, Cityscapes or ADE20K layout (default: the bundled data/camvid/96x128)',
  },
  format: { type: 'string', help: `its layout: ${DATASET_FORMATS.join(', ')} (default: told from its folders)` },
};

/** The folder and its layout the flags give. */
export async function dataFlag(p: Parsed): Promise<{ dir: string; format: DatasetFormat }> {
  const dir = (p.values.data as string | undefined) ?? BUNDLED_CAMVID;
  return { dir, format: await resolveFormat(dir, p.values.format as string | undefined) };
}
