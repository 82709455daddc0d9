/**
 * Redraws a run's `predictions.png` from its best model file, as `setr train` draws it at the end of a
 * run (six validation images spread over the split, the photo, the ground truth, the prediction, the
 * class legend): for a model trained before the grid gained its headers and legend, such as the
 * shipped one, whose grid is the README's picture.
 *
 *   npx tsx packages/setr/scripts/draw-predictions.ts MODEL.safetensors DATA_DIR OUT.png
 *   npx tsx packages/setr/scripts/draw-predictions.ts models/setr-tiny-mla-camvid/model.safetensors \
 *     data/camvid/96x128 docs/images/setr-tiny-mla-camvid-predictions.png
 */
import { loadCamVid } from '../src/data/camvid.js';
import { writePredictionGrid } from '../src/train/report.js';

const [modelFile, dataDir, out] = process.argv.slice(2);
if (!modelFile || !dataDir || !out) {
  console.error('usage: draw-predictions.ts MODEL.safetensors DATA_DIR OUT.png');
  process.exit(1);
}
await writePredictionGrid(out, modelFile, await loadCamVid(dataDir, 'val'));
console.log(`wrote ${out}`);
