/**
 * The bad-input campaign's one assertion, shared by the tensor, autograd and nn suites: a refused call
 * throws a plain `Error` (not a TypeError or RangeError from deep inside) whose message starts with the
 * op's name, and leaves no tensor and no backend buffer behind.
 */
import { expect } from 'vitest';
import { getBackend, memory } from '../../src/index.js';

/** Disposes whatever a call that should have failed returned: tensors, variables, modules, lists of them. */
function disposeResult(out: unknown): void {
  if (Array.isArray(out)) for (const o of out) disposeResult(o);
  else if (out instanceof Object && 'dispose' in out && typeof out.dispose === 'function') out.dispose();
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `call` must throw an `Error` (exactly, not a subclass) whose message starts with `op:` (any `word:`
 * when `op` is null) and contains each of `mentions`, and must leave the count of live tensors and of
 * the current backend's buffers unchanged.
 */
export function refuses(op: string | null, call: () => unknown, ...mentions: string[]): void {
  const tensors = memory().numTensors;
  const buffers = getBackend().memory().numBuffers;
  let thrown: unknown;
  let threw = false;
  try {
    disposeResult(call());
  } catch (e) {
    thrown = e;
    threw = true;
  }
  if (!threw) throw new Error(`expected ${op ?? 'the call'} to refuse, but it returned: ${String(call)}`);
  const e = thrown as Error;
  const prefix = op === null ? '[A-Za-z][\\w.]*' : escapeRegExp(op);
  expect(`${e?.constructor?.name}: ${e?.message}`).toMatch(new RegExp(`^Error: ${prefix}: `));
  for (const m of mentions) expect(e.message).toContain(m);
  expect(memory().numTensors - tensors, `live tensors left behind by a refused ${op ?? 'call'}`).toBe(0);
  expect(getBackend().memory().numBuffers - buffers, `backend buffers left behind by a refused ${op ?? 'call'}`).toBe(0);
}
