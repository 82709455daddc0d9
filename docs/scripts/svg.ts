/** The SVG figures' common end: a white page around the parts, written to docs/images/. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `<svg>` of width × height with `head` (defs, style; may be empty), a white background and
 * `parts` (elements, in drawing order) to docs/images/`name`, and says where.
 */
export function writeSvg(name: string, width: number, height: number, head: string, parts: readonly string[]): void {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">
${head}<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
  const out = join(import.meta.dirname, '..', 'images', name);
  writeFileSync(out, svg);
  console.log(`wrote ${out}`);
}
