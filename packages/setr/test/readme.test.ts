/** The README's tour, run as written; what it prints must be what the README says. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const src = new URL('../src/index.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'setr-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the tour builds setr-tiny-pup, trains a step, predicts and returns attention maps', async () => {
  expect(blocks.length).toBe(1);
  const file = join(dir, 'tour.ts');
  writeFileSync(file, blocks[0].replaceAll("from '@setr-ts/setr'", `from '${src}'`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  let out: unknown[];
  try {
    await import(file);
  } finally {
    out = log.mock.calls.map((c) => c[0]);
    log.mockRestore();
  }
  expect(out[0]).toEqual({ total: 1_687_735, modules: { backbone: 1_239_168, decode_head: 149_003, auxiliary_heads: 299_564 } });
  const [main, auxCount] = out[1] as [number, number];
  expect(main).toBeGreaterThan(1.5);
  expect(main).toBeLessThan(3.5);
  expect(auxCount).toBe(4);
  expect(out[2]).toEqual([2, 96, 128]);
  expect(out[3]).toEqual([2, 4, 193, 193]);
});
