/**
 * What a finished run leaves for people to look at: the training curves (curves.svg, curves.png) and
 * a grid of validation predictions by the best checkpoint (predictions.png; images spread over the
 * split), in the run folder.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@setr-ts/nn';
import type { SegmentationDataset } from '../data/dataset.js';
import { writePng } from '../data/image-io.js';
import { imagesToTensor } from '../data/normalize.js';
import { raster } from '../data/raster.js';
import { segment } from '../inference.js';
import { loadTrainedModel } from '../model-file.js';
import { type CurvesOptions, renderCurves } from '../report/curves.js';
import { predictionGrid } from '../report/prediction-grid.js';
import type { EpochRecord } from './history.js';

/** The pictures a finished run writes into its folder, by path. */
export interface RunReportFiles {
  /** The loss and validation-mIoU curves, as SVG (`curves.svg`). */
  readonly curvesSvg: string;
  /** The same curves as PNG (`curves.png`). */
  readonly curvesPng: string;
  /** A grid of validation images, their truth and the best model's predictions (`predictions.png`). */
  readonly predictions: string;
}

/**
 * Draws the curves of `history` and the predictions of the model file `weightsPath` (written by
 * training, its config in the metadata) on `count` images of `val`.
 */
export async function writeRunReport(
  dir: string,
  weightsPath: string,
  val: SegmentationDataset,
  history: readonly EpochRecord[],
  opts: CurvesOptions & { count?: number } = {},
): Promise<RunReportFiles> {
  const files = { curvesSvg: join(dir, 'curves.svg'), curvesPng: join(dir, 'curves.png'), predictions: join(dir, 'predictions.png') };
  const { svg, png } = await renderCurves(history, opts);
  writeFileAtomic(files.curvesSvg, new TextEncoder().encode(svg));
  writeFileAtomic(files.curvesPng, png);

  await writePredictionGrid(files.predictions, weightsPath, val, opts.count);
  return files;
}

/**
 * Writes to `path` a grid of `count` validation images of `val` (spread over the split), their truth
 * and the predictions of the model file `weightsPath`, with column headers and the dataset's class
 * legend: a run's `predictions.png`.
 */
export async function writePredictionGrid(path: string, weightsPath: string, val: SegmentationDataset, count = 6): Promise<void> {
  const { model: best } = await loadTrainedModel(weightsPath);
  try {
    // spread over the split: neighbouring frames of a video look alike
    const n = Math.min(count, val.length);
    const samples = Array.from({ length: n }, (_, i) => val.get(Math.floor((i * val.length) / n)));
    const [h, w] = [val.height, val.width];
    const images = imagesToTensor(samples.map((s) => s.image)); // [n, 3, H, W], normalised
    const classes = await segment(best, images); // [n, H, W]
    const values = await classes.data();
    images.dispose();
    classes.dispose();
    const rows = samples.map((s, i) => ({
      image: s.image,
      truth: s.label,
      prediction: raster(h, w, 1, Uint8Array.from(values.subarray(i * h * w, (i + 1) * h * w))),
    }));
    await writePng(path, predictionGrid(rows, val.palette, 2, val.classNames));
  } finally {
    best.dispose();
  }
}
