/** The README's code blocks, run as written; what they print must be what the README says. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const src = new URL('../src/index.ts', import.meta.url).pathname;
const repoRoot = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'setr-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs block `i` as a module (this package's sources; paths from the repository root) and returns the first argument of each console.log. */
async function run(i: number): Promise<unknown[][]> {
  const file = join(dir, `block${i}.ts`);
  writeFileSync(
    file,
    blocks[i].replaceAll("from '@setr-ts/setr'", `from '${src}'`).replaceAll("'data/camvid/", `'${repoRoot}data/camvid/`),
  );
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(file);
    return log.mock.calls.map((c) => [...c]);
  } finally {
    log.mockRestore();
  }
}

it('has the four examples this test knows', () => {
  expect(blocks.length).toBe(4);
});

it('the tour builds setr-tiny-pup, trains a step, predicts and returns attention maps', async () => {
  const out = (await run(0)).map((c) => c[0]);
  expect(out[0]).toEqual({ total: 1_687_735, modules: { backbone: 1_239_168, decode_head: 149_003, auxiliary_head: 299_564 } });
  const [main, auxCount] = out[1] as [number, number];
  expect(main).toBeGreaterThan(1.5);
  expect(main).toBeLessThan(3.5);
  expect(auxCount).toBe(4);
  expect(out[2]).toEqual([2, 96, 128]);
  expect(out[3]).toEqual([2, 4, 193, 193]);
});

it('the CamVid example reads the shipped splits', async () => {
  expect((await run(1))[0]).toEqual([367, 101, [96, 128], '0001TP_006690.png', 'Building']);
});

it('the loader example resumes to the same batch', async () => {
  const out = await run(2);
  expect(out[0]).toEqual([[8, 3, 32, 32], 'float32', [8, 32, 32], 'int32']);
  expect(out[1]).toEqual([true]);
});

it('the metrics example scores an all-background answer', async () => {
  const out = await run(3);
  expect(out[0]).toEqual([['0.77', '0.00', '0.00', '0.00'], true]);
  expect(out[1]).toEqual([true]);
});
