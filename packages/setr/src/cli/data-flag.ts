/** The `--data` flag: a CamVid-layout folder, by default the 96×128 copy shipped in the repository. */
import { fileURLToPath } from 'node:url';

/** `data/camvid/96x128` at the repository root (this file is at packages/setr/{src,dist}/cli/). */
export const BUNDLED_CAMVID = fileURLToPath(new URL('../../../../data/camvid/96x128', import.meta.url));
