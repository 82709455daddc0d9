/** The README's code blocks, run as written; what they print must be what the README says. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from '@setr-ts/tensor';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const src = new URL('../src/index.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nn-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The number of live tensors at each console.log of the last block run. */
let liveAtLog: number[] = [];

/** Runs a block as a module (importing this package's sources) and returns what it logged. */
async function run(i: number): Promise<unknown[][]> {
  const file = join(dir, `block${i}.ts`);
  writeFileSync(file, blocks[i].replaceAll("from '@setr-ts/nn'", `from '${src}'`));
  liveAtLog = [];
  const log = vi.spyOn(console, 'log').mockImplementation(() => {
    liveAtLog.push(memory().numTensors);
  });
  try {
    await import(file);
    return log.mock.calls;
  } finally {
    log.mockRestore();
  }
}

it('has the three examples this test knows', () => {
  expect(blocks.length).toBe(3);
});

it('the tour: PyTorch names, the parameter count, a training loop whose lr warms up', async () => {
  const out = await run(0);
  expect(out[0][0]).toEqual([
    'stem.0.weight',
    'stem.0.bias',
    'stem.1.weight',
    'stem.1.bias',
    'stem.1.running_mean',
    'stem.1.running_var',
    'stem.1.num_batches_tracked',
    'head.weight',
    'head.bias',
  ]);
  expect(out[1][0]).toBe(276);
  const lrs = out.slice(2).map((call) => call[2] as number);
  expect(lrs.length).toBe(3);
  expect(lrs[0]).toBeLessThan(lrs[1]);
  expect(lrs[1]).toBeLessThan(lrs[2]);
  // the loop leaks nothing: after the first step (which makes AdamW's state) the count of live tensors stays put
  const live = liveAtLog.slice(2);
  expect(live[2]).toBe(live[1]);
  expect(live[1]).toBe(live[0]);
});

it('the checkpoint example prints what its comments say', async () => {
  const out = await run(1);
  expect(out[0][0]).toEqual({ missingKeys: [], unexpectedKeys: [], metadata: { iter: '1000' } });
  expect(out[1][0]).toEqual(['a.b']);
  expect(out[2][0]).toBe(
    'loadStateDict: cannot load the state dict into Linear:\n  mis-shaped keys (2): weight: checkpoint [2,4], model [3,4], bias: checkpoint [2], model [3]',
  );
});

it('the .pth example prints what its comments say', async () => {
  const out = await run(2);
  expect(out[0]).toEqual([['weight', 'bias'], 'state_dict', ['meta (dict)'], { iter: 1000, CLASSES: ['road', 'car'] }]);
  expect(out[1][0]).toEqual({ missingKeys: [], unexpectedKeys: [] });
});
