/** The engine: backend registration and choice, and the error for a kernel a backend lacks. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Backend, ReferenceBackend, registerBackend, setBackend, setLogger, tensor, withBackend } from '../src/index.js';

describe('engine', () => {
  setLogger(() => {});
  afterAll(() => setBackend('reference'));

  it('a backend lacking a kernel fails with an error naming the kernel and the backend', async () => {
    // a partial backend: the reference without its matmul kernel
    registerBackend(
      'partial',
      () => {
        const b = new ReferenceBackend() as Backend & { name: string };
        Object.defineProperty(b, 'name', { value: 'partial' });
        Object.defineProperty(b, 'matmul', { value: undefined, configurable: true });
        return b;
      },
      -10,
    );
    await setBackend('partial');
    const a = tensor([[1, 2]]);
    expect(a.add(1).dataSync()).toEqual(new Float32Array([2, 3]));
    expect(() => a.matmul(a.T)).toThrow('matmul: backend partial does not implement this kernel');
    a.dispose();
  });

  it('withBackend makes a backend current for the duration of a function, and restores the previous one', async () => {
    await setBackend('reference');
    const inside = withBackend('partial', () => tensor([1]).backend.name);
    expect(inside).toBe('partial');
    expect(tensor([1]).backend.name).toBe('reference');
    expect(() =>
      withBackend('reference', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });

  it('the default choice reuses an instance findBackend already made (one wasm memory and pool, not two)', async () => {
    vi.resetModules();
    const fresh = await import('../src/index.js'); // an engine with no backend chosen yet
    fresh.setLogger(() => {});
    const made = ['reference', 'wasm'].flatMap((name) => {
      try {
        return [fresh.findBackend(name)];
      } catch {
        return []; // wasm before its build has run
      }
    });
    expect(made).toContain(fresh.getBackend());
  });
});
