/** The seeded generator's state can be saved and restored, so a resumed run draws what an uninterrupted one would. */
import { describe, expect, it } from 'vitest';
import { getRngState, manualSeed, rand, setBackend, setLogger, setRngState } from '../src/index.js';

describe('generator state', () => {
  it('restoring a saved state repeats the draws that followed it', async () => {
    setLogger(() => {});
    await setBackend('reference');
    manualSeed(42);
    rand([5]).dispose();
    const saved = getRngState();
    const first = rand([7]);
    rand([3]).dispose();
    setRngState(saved);
    const again = rand([7]);
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
    first.dispose();
    again.dispose();
  });
  it('refuses a state that is not four 32-bit words or is all zero', () => {
    expect(() => setRngState([1, 2, 3])).toThrow('setRngState: expected four 32-bit unsigned words, not all zero, got [1, 2, 3]');
    expect(() => setRngState([0, 0, 0, 0])).toThrow(/not all zero/);
    expect(() => setRngState([1, 2, 3, 2 ** 32])).toThrow(/32-bit/);
  });
});
