/**
 * The heart of the package's correctness: a small random-weight SETR of each decoder, with random
 * BatchNorm statistics, in evaluation mode, on an input whose patch grid (3×5) differs from the
 * config's (4×6), gives PyTorch's logits, auxiliary logits, block outputs' attention weights and
 * resized position embedding (scripts/gen_fixtures.py builds the same model in torch.nn with the same
 * names and writes the fixtures) — on every backend: within 1e-10 in float64 on the reference backend,
 * 1e-4 in float32 elsewhere. And nothing is left alive afterwards.
 */
import { noGrad, tidy, variable } from '@setr-ts/autograd';
import { memory, type Tensor, toBackend } from '@setr-ts/tensor';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { resizePosEmbed, Setr, type SetrConfig } from '../src/index.js';
import { backendsUnderTest, useBackend } from './support/backends.js';
import { disposeAll, expectClose, fixtureConfig, fixtureTensors } from './support/fixtures.js';

const decoders = ['naive', 'pup', 'mla'] as const;

describe.each(backendsUnderTest())('SETR against PyTorch on $label', (bk) => {
  const loaded: Record<string, { config: SetrConfig; weights: Record<string, Tensor>; io: Record<string, Tensor> }> = {};
  beforeAll(async () => {
    await useBackend(bk);
    for (const d of decoders) {
      loaded[d] = {
        config: fixtureConfig(`setr-${d}.json`),
        weights: await fixtureTensors(`setr-${d}.safetensors`),
        io: await fixtureTensors(`setr-${d}.io.safetensors`),
      };
    }
  });
  afterAll(() => {
    for (const f of Object.values(loaded)) {
      disposeAll(f.weights);
      disposeAll(f.io);
    }
  });

  it.each(decoders)('%s: logits, auxiliary logits, attention weights and the resized position embedding', async (d) => {
    const { config, weights, io } = loaded[d];
    const before = memory().numTensors;
    const model = new Setr(config).to(bk.dtype);
    model.loadStateDict(weights);
    model.eval();
    const input = variable(tidy(() => toBackend(io.input.to(bk.dtype), model.backbone.posEmbed.data.backend)));
    const out = tidy(() => noGrad(() => model.forward(input, { aux: true, attention: true })));
    await expectClose(out.logits.data, io.logits, bk.tol, `${d} logits`);
    for (const [j, a] of out.aux.entries()) await expectClose(a.data, io[`aux.${j}`], bk.tol, `${d} aux.${j}`);
    for (const [i, a] of (out.attention ?? []).entries()) await expectClose(a.data, io[`attention.${i}`], bk.tol, `${d} attention.${i}`);
    const pos = tidy(() => resizePosEmbed(model.backbone.posEmbed, model.backbone.grid, [3, 5]));
    await expectClose(pos.data, io['pos_embed.resized'], bk.tol, `${d} resized pos_embed`);
    pos.dispose();
    for (const v of [out.logits, ...out.aux, ...(out.attention ?? []), input]) v.dispose();
    model.dispose();
    if (memory().numTensors !== before) throw new Error(`${memory().numTensors - before} tensors left alive`);
  });
});
