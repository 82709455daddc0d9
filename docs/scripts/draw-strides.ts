/**
 * Draws docs/images/strides.svg, the figure of chapter 1: one buffer of six numbers seen through three
 * views — the contiguous [2, 3] matrix, its transpose, and a row broadcast to [2, 3] by a stride of 0.
 * The positions are not typed in: each view is made with @setr-ts/tensor and every cell's position in
 * the buffer is computed from the view's own offset and strides (offset + Σ index·stride), so the
 * picture shows what the library does.
 *
 *   npx tsx docs/scripts/draw-strides.ts
 */
import * as T from '@setr-ts/tensor';
import { writeSvg } from './svg.js';

T.setLogger(() => {}); // the backend line is not part of the figure

const a = T.arange(0, 6, 1, { dtype: 'float32' }).reshape(2, 3);
const row = T.tensor([10, 20, 30]);
const views = [
  { title: 'a = arange(6).reshape(2, 3)', t: a, buffer: a },
  { title: 'a.T', t: a.T, buffer: a },
  { title: 'row.expand(2, 3)', t: row.expand(2, 3), buffer: row },
];

const CELL = 44; // side of a grid cell, px
const ROW_COLOURS = ['#cfe3f7', '#fde2c4', '#d5efd0']; // row i of a view is drawn in colour i
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const PANEL_W = 262;
const parts: string[] = [];

/** Where element [i, j] of a 2-d view lies in its buffer. */
const position = (t: T.Tensor, i: number, j: number) => t.offset + i * t.strides[0] + j * t.strides[1];

views.forEach(({ title, t, buffer }, k) => {
  const x0 = 20 + k * PANEL_W;
  const [rows, cols] = t.shape;
  const values = buffer.dataSync();
  parts.push(`<text x="${x0}" y="24" ${FONT} font-size="14" font-weight="bold">${title}</text>`);
  parts.push(
    `<text x="${x0}" y="44" ${FONT} font-size="13">shape [${t.shape.join(', ')}], strides [${t.strides.join(', ')}], offset ${t.offset}</text>`,
  );
  // the view as a grid: each cell shows its value and the buffer position it reads
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = x0 + j * CELL;
      const y = 60 + i * CELL;
      const p = position(t, i, j);
      parts.push(`<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${ROW_COLOURS[i]}" stroke="#333"/>`);
      parts.push(`<text x="${x + CELL / 2}" y="${y + 20}" ${FONT} font-size="15" text-anchor="middle">${values[p]}</text>`);
      parts.push(`<text x="${x + CELL / 2}" y="${y + 36}" ${FONT} font-size="10" text-anchor="middle" fill="#555">@${p}</text>`);
    }
  }
  // the buffer underneath: one cell per stored number, striped with every view row that reads it
  const by = 60 + 3 * CELL + 40;
  parts.push(`<text x="${x0}" y="${by - 10}" ${FONT} font-size="13">the buffer (${values.length} numbers)</text>`);
  const readers = Array.from({ length: values.length }, () => new Set<number>());
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) readers[position(t, i, j)].add(i);
  const bw = Math.min(CELL, (PANEL_W - 30) / values.length);
  for (let p = 0; p < values.length; p++) {
    const x = x0 + p * bw;
    const rs = [...readers[p]];
    rs.forEach((r, s) => {
      const h = CELL / rs.length;
      parts.push(`<rect x="${x}" y="${by + s * h}" width="${bw}" height="${h}" fill="${ROW_COLOURS[r]}"/>`);
    });
    parts.push(`<rect x="${x}" y="${by}" width="${bw}" height="${CELL}" fill="none" stroke="#333"/>`);
    parts.push(`<text x="${x + bw / 2}" y="${by + 20}" ${FONT} font-size="15" text-anchor="middle">${values[p]}</text>`);
    parts.push(`<text x="${x + bw / 2}" y="${by + 36}" ${FONT} font-size="10" text-anchor="middle" fill="#555">${p}</text>`);
  }
});

const notes = [
  'Each grid cell shows its value and, after @, the buffer position offset + i·strides[0] + j·strides[1] that it reads.',
  'Buffer cells are coloured by the view rows that read them: a transpose reads the buffer out of order, a stride of 0 reads it twice.',
];
notes.forEach((n, i) => {
  parts.push(`<text x="20" y="${318 + 16 * i}" ${FONT} font-size="12" fill="#333">${n}</text>`);
});

writeSvg('strides.svg', 20 + views.length * PANEL_W + 20, 350, '', parts);
