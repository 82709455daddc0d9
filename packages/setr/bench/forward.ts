/**
 * How long the tiny SETRs take on this machine: an evaluation forward pass at batch 1 and 8, and a
 * training step's forward + backward at batch 8, at 96×128 (CamVid's bundled size), for each decoder.
 * Medians of several runs after a warm-up; the numbers to compare are those of one run (the machines
 * are shared and noisy). Writes bench-results/forward.json.
 *
 *   npm run bench                       (all three tiny configs on wasm)
 *   npm run bench -- --backend gpujs --reps 3
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { noGrad, tidy, variable } from '@setr-ts/autograd';
import { manualSeed, randn, setBackend, setLogger, type Tensor, tensor } from '@setr-ts/tensor';
import { preset, Setr, setrLoss } from '../src/index.js';

const { values } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, reps: { type: 'string', default: '5' }, quick: { type: 'boolean' } },
});
const reps = values.quick ? 1 : Number(values.reps);
setLogger(() => {});
const backend = await setBackend(values.backend as string);

/** Median milliseconds of `reps` runs of `fn`, after one warm-up run. */
function time(fn: () => void): number {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return Math.round(10 * ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]) / 10;
}

const labelsOf = (b: number): Tensor =>
  tensor(
    new Int32Array(b * 96 * 128).map((_, i) => i % 11),
    [b, 96, 128],
    'int32',
  );

const rows: Record<string, number | string>[] = [];
for (const decoder of ['naive', 'pup', 'mla']) {
  manualSeed(0);
  const model = new Setr(preset(`setr-tiny-${decoder}`));
  const row: Record<string, number | string> = { config: `setr-tiny-${decoder}`, parameters: model.numParameters() };
  model.eval();
  for (const b of [1, 8]) {
    const x = variable(randn([b, 3, 96, 128]));
    row[`eval b${b} ms`] = time(() => tidy(() => noGrad(() => model.forward(x).logits.data.dataSync())));
    x.dispose();
  }
  model.train();
  const x = variable(randn([8, 3, 96, 128]));
  const labels = labelsOf(8);
  row['train fwd+bwd b8 ms'] = time(() => {
    tidy(() => setrLoss(model.forward(x), labels).loss.backward());
    model.zeroGrad();
  });
  x.dispose();
  labels.dispose();
  model.dispose();
  rows.push(row);
}

console.log(`SETR-Tiny at 96×128 on ${backend.name} (${reps} runs each, median):`);
console.table(rows);
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  'bench-results/forward.json',
  `${JSON.stringify({ backend: backend.name, date: new Date().toISOString(), reps, rows }, null, 2)}\n`,
);
