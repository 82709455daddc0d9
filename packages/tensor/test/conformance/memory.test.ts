/**
 * Explicit memory: `dispose` frees backend buffers (when the last view of one goes), `tidy` frees
 * everything made inside it except what it returns or `keep`s, `memory()` counts tensors and bytes,
 * and no op — succeeding or failing — leaves a temporary behind.
 */
import { expect, it } from 'vitest';
import * as T from '../../src/index.js';
import { memory, type Tensor, tensor, tidy } from '../../src/index.js';
import { describeBackends } from '../support/harness.js';
import { expectOpError } from '../support/op-error.js';

describeBackends('memory', (h) => {
  const counts = () => ({ tensors: memory().numTensors, buffers: h.backend.memory().numBuffers, bytes: h.backend.memory().numBytes });
  const make = (shape: number[], dtype: T.DType = 'float32') =>
    tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (dtype === 'int32' ? i % 2 : Math.sin(i))),
      shape,
      dtype,
      { backend: h.backend },
    );

  it('memory() counts tensors, buffers and bytes; dispose gives them back; disposing twice is harmless', () => {
    const before = counts();
    const x = make([10, 10]);
    const mid = counts();
    expect(mid.tensors - before.tensors).toBe(1);
    expect(mid.buffers - before.buffers).toBe(1);
    expect(mid.bytes - before.bytes).toBeGreaterThanOrEqual(400);
    expect(memory().numBytes).toBeGreaterThanOrEqual(mid.bytes);
    x.dispose();
    x.dispose();
    expect(counts()).toEqual(before);
    expect(x.isDisposed).toBe(true);
  });

  it('views share a buffer, which is freed when the last view is disposed', () => {
    const before = counts();
    const x = make([4, 6]);
    const u = x.unsqueeze(0);
    const views = [x.T, x.reshape(6, 4), x.slice(1, 0, 6, 2), x.narrow(0, 1, 2), u, u.expand(3, 4, 6)];
    expect(counts().buffers - before.buffers).toBe(1);
    x.dispose();
    expect(counts().buffers - before.buffers).toBe(1);
    for (const v of views) v.dispose();
    expect(counts()).toEqual(before);
  });

  it('tidy frees intermediates, keeps what it returns (a tensor, arrays, objects) and what keep() marks; scopes nest', () => {
    const before = counts();
    let kept: Tensor | null = null;
    const out = tidy(() => {
      const x = make([3, 3]);
      const inner = tidy(() => x.exp().add(1).mul(x));
      kept = x.sum().keep();
      return { y: inner.relu(), list: [x.T, x.mean(0)] };
    });
    expect(counts().tensors - before.tensors).toBe(4);
    for (const t of [out.y, ...out.list, kept as unknown as Tensor]) t.dispose();
    expect(counts()).toEqual(before);
    expect(() => tidy(() => Promise.resolve(make([1])) as unknown as Tensor)).toThrow(/tidy: the function must be synchronous/);
    expect(counts()).toEqual(before);
  });

  it('a tidy whose function throws disposes everything it made, in nested scopes too, and the error goes on', () => {
    const before = counts();
    const outer = make([2]);
    let kept: Tensor | null = null;
    expect(() =>
      tidy(() => {
        make([3, 3]).exp();
        tidy(() => make([4])); // returned by the inner scope: now the outer one's
        kept = make([6]).keep(); // keep survives a throw too
        tidy(() => {
          make([5]);
          throw new Error('boom');
        });
      }),
    ).toThrow('boom');
    expect(counts().tensors - before.tensors).toBe(2);
    outer.dispose();
    (kept as unknown as Tensor).dispose();
    expect(counts()).toEqual(before);
  });

  it('T.op runs a function in its own scope: only the result survives, nothing when it throws', () => {
    const before = counts();
    const softplus = T.op('softplus', (t: Tensor) => t.exp().add(1).log());
    const x = make([3]);
    const y = softplus(x);
    expect(softplus.name).toBe('softplus');
    expect(counts().tensors - before.tensors).toBe(2);
    const failing = T.op('failing', (t: Tensor) => t.exp().add(make([2])));
    expect(() => failing(x)).toThrow(/add: shapes \[3\] and \[2\] cannot be broadcast together/);
    for (const t of [x, y]) t.dispose();
    expect(counts()).toEqual(before);
  });

  it('every op, called outside tidy, leaves nothing behind but its result', () => {
    const x = make([2, 3, 4, 5]);
    const w = make([6, 3, 3, 3]);
    const m = make([5, 4]);
    const labels = make([2, 3], 'int32');
    // inputs (views included) made before counting, so each call below makes only what the op makes
    const index = tensor([0, 1, 2, 3, 0], [1, 1, 1, 5], 'int32', { backend: h.backend });
    const indexView = index.expand(2, 3, 4, 5);
    const cond = labels.reshape(2, 3, 1, 1);
    const picks = tensor([2, 0], undefined, 'int32', { backend: h.backend });
    const xT = x.T;
    const calls: Record<string, () => Tensor | Tensor[]> = {
      add: () => x.add(2),
      where: () => T.where(cond, x, 0),
      clamp: () => x.clamp(-0.5, 0.5),
      erfOfInt: () => labels.erf(),
      sum: () => x.sum([1, 3], true),
      mean: () => labels.mean(),
      var: () => x.var(2),
      logsumexp: () => x.logsumexp([0, 2]),
      argmax: () => x.argmax(undefined, true),
      matmul: () => x.matmul(m),
      conv2d: () => T.conv2d(x, w, null, { padding: 1 }),
      interpolate: () => T.interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' }),
      pad: () => T.pad(x, [1, 1, 2, 0]),
      stack: () => T.stack([x, x], 1),
      chunk: () => x.chunk(2, 3),
      softmax: () => x.softmax(1),
      layerNorm: () => T.layerNorm(x, [4, 5]),
      gather: () => x.gather(3, indexView),
      indexSelect: () => x.indexSelect(1, picks),
      oneHot: () => T.oneHot(labels, 3),
      reshapeCopy: () => xT.reshape(-1),
    };
    for (const [name, call] of Object.entries(calls)) {
      const before = counts();
      const out = call();
      const made = Array.isArray(out) ? out.length : 1;
      expect(counts().tensors - before.tensors, `${name}: live tensors after the call`).toBe(made);
      for (const t of Array.isArray(out) ? out : [out]) t.dispose();
      expect(counts(), `${name}: after disposing its result`).toEqual(before);
    }
    for (const t of [x, w, m, labels, index, indexView, cond, picks, xT]) t.dispose();
  });

  it('an op that fails leaves nothing behind either', async () => {
    const x = make([2, 3]);
    const bad = tensor([5, 0], undefined, 'int32', { backend: h.backend });
    const [xT, flat, v] = [x.T, x.reshape(6), make([2])];
    const [image, emptyKernel, noPixels] = [make([1, 3, 4, 4]), make([2, 3, 0, 0]), make([1, 1, 0, 4])];
    const calls: [() => Tensor, RegExp][] = [
      [() => x.indexSelect(1, bad), /(indexSelect|gather): index 5 is out of range for dim 1 of size 3/], // async backends report gather when read
      [() => T.matmul(v, xT), /matmul: inner dims differ: \[2\] @ \[3,2\] \(2 vs 3\)/],
      [() => T.oneHot(bad, 3), /oneHot: labels must lie in \[0, 3\)|scatterAdd: index 5 is out of range/], // async backends report the index when read
      [() => T.conv2d(image, emptyKernel), /conv2d: weight \[2,3,0,0\] has an empty 0x0 kernel/],
      [() => T.interpolate(noPixels, { size: 2 }), /interpolate: input \[1,1,0,4\] has no pixels to resize/],
      [() => T.where(bad, x, 1), /where: shapes \[2\] and \[2,3\] cannot be broadcast together/],
      [() => T.add(xT, flat), /add: shapes \[3,2\] and \[6\] cannot be broadcast together/],
      [() => T.cat([x, xT]), /cat: shapes \[2,3\], \[3,2\] differ outside dim 0/],
    ];
    for (const [call, message] of calls) {
      const before = counts();
      await expectOpError(call, message);
      expect(counts(), `after ${message}`).toEqual(before);
    }
    for (const t of [x, bad, xT, flat, v, image, emptyKernel, noPixels]) t.dispose();
  });
});
