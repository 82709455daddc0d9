/**
 * Training curves: the loss per epoch next to the validation mIoU per epoch, drawn with Vega-Lite (the
 * grammar-of-graphics library of the Vega project), rendered to SVG by Vega in Node and to PNG by
 * sharp. A reference curve (another run's mIoU, e.g. PyTorch's on the same recipe) can be drawn on the
 * mIoU panel as points.
 */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../train/history.js';

/** One validation mIoU of another run, drawn as a point beside this run's curve. */
export interface ReferencePoint {
  /** The epoch the score was measured after. */
  readonly epoch: number;
  /** Validation mean IoU, in [0, 1]. */
  readonly valMeanIoU: number;
}

/** Options of the training-curves chart (loss and validation mIoU per epoch). */
export interface CurvesOptions {
  /** Named mIoU points of another run to compare with (points on the mIoU panel). */
  readonly reference?: {
    /** The legend entry of the points, e.g. `paper (SETR-PUP)`. */
    readonly label: string;
    /** The points, by epoch. */
    readonly points: readonly ReferencePoint[];
  };
  /** A title above both panels; none when omitted. */
  readonly title?: string;
}

/** The series' names, each with one colour in both panels (the reference's is the caller's label). */
const SERIES = {
  total: 'training loss: total (decoder + Σ lossWeight × aux head)',
  decoder: 'training loss: decoder only',
  miou: 'validation mIoU: this run',
} as const;
const COLOURS = ['#f58518', '#4c78a8', '#54a24b', '#79706e']; // total orange, decoder blue, mIoU green, reference grey

/**
 * The Vega-Lite specification of the two panels. Every series has one colour, the same wherever it is
 * drawn, and one legend under both panels names them all; the loss panel's y axis says that the total
 * is a weighted sum of the heads' cross-entropies.
 */
export function curvesSpec(history: readonly EpochRecord[], opts: CurvesOptions = {}): TopLevelSpec {
  const loss = history.flatMap((r) => [
    { epoch: r.epoch, value: r.loss, series: SERIES.total },
    { epoch: r.epoch, value: r.mainLoss, series: SERIES.decoder },
  ]);
  const miou = history.map((r) => ({ epoch: r.epoch, value: r.valMeanIoU, series: SERIES.miou }));
  const refLabel = opts.reference?.label ?? '';
  const reference = (opts.reference?.points ?? []).map((p) => ({ epoch: p.epoch, value: p.valMeanIoU, series: refLabel }));
  const domain: string[] = [SERIES.total, SERIES.decoder, SERIES.miou, ...(reference.length > 0 ? [refLabel] : [])];
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' } as const;
  const colour = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: COLOURS.slice(0, domain.length) },
    legend: { orient: 'bottom', direction: 'vertical', columns: 2, labelLimit: 600, columnPadding: 24 },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    background: 'white',
    hconcat: [
      {
        title: 'training loss',
        width: 320,
        height: 220,
        data: { values: loss },
        mark: { type: 'line', point: history.length < 30 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: ['cross-entropy', '(total: a weighted sum)'] },
          color: colour,
        },
      },
      {
        title: 'validation mIoU',
        width: 320,
        height: 220,
        layer: [
          {
            data: { values: miou },
            mark: { type: 'line', point: history.length < 30 },
            encoding: { x, y: { field: 'value', type: 'quantitative', title: 'mIoU', scale: { domain: [0, 1] } }, color: colour },
          },
          ...(reference.length > 0
            ? [
                {
                  data: { values: reference },
                  mark: { type: 'point', filled: true, size: 60 },
                  encoding: { x, y: { field: 'value', type: 'quantitative' }, color: colour },
                } as const,
              ]
            : []),
        ],
      },
    ],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

/** The curves as SVG text and PNG bytes. */
export async function renderCurves(history: readonly EpochRecord[], opts: CurvesOptions = {}): Promise<{ svg: string; png: Uint8Array }> {
  const view = new vega.View(vega.parse(compile(curvesSpec(history, opts)).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
  return { svg, png };
}
