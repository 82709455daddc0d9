/**
 * The paper's largest model is real here too: SETR-PUP with ViT-Large (318 M parameters, 1.27 GB of
 * float32 weights) builds on the wasm backend and segments a small input. (Its parameter count is
 * checked without storage in model.test.ts.)
 */
import { tidy, variable } from '@setr-ts/autograd';
import { randn, setBackend } from '@setr-ts/tensor';
import { expect, it } from 'vitest';
import { preset, Setr } from '../src/index.js';

it('setr-pup-vit-large-ade20k builds and runs a 32×48 input in evaluation mode', async () => {
  await setBackend('wasm');
  const model = new Setr(preset('setr-pup-vit-large-ade20k')).eval();
  expect(model.numParameters()).toBe(317_922_542);
  const x = variable(randn([1, 3, 32, 48]));
  const shape = tidy(() => {
    const { logits } = model.forward(x);
    expect(Number.isFinite(logits.data.sum().item())).toBe(true);
    return logits.shape;
  });
  expect(shape).toEqual([1, 150, 32, 48]);
  x.dispose();
  model.dispose();
}, 300_000);
