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

/** The Vega-Lite specification of the two panels. */
export function curvesSpec(history: readonly EpochRecord[], opts: CurvesOptions = {}): TopLevelSpec {
  const loss = history.flatMap((r) => [
    { epoch: r.epoch, value: r.loss, series: 'total (main + 0.4 × aux)' },
    { epoch: r.epoch, value: r.mainLoss, series: 'decoder only' },
  ]);
  const miou = history.map((r) => ({ epoch: r.epoch, value: r.valMeanIoU, series: 'this run' }));
  const reference = (opts.reference?.points ?? []).map((p) => ({ epoch: p.epoch, value: p.valMeanIoU, series: opts.reference?.label }));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' } as const;
  const colour = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } } as const;
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
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'cross-entropy' }, color: colour },
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
    resolve: { scale: { color: 'independent' } },
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
