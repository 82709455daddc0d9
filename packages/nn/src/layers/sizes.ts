/**
 * Checking a layer's size arguments when it is built, so `new Linear(4, 2.5)` is an error naming the
 * layer and the argument rather than a failure deep inside tensor creation (or no failure at all).
 */

/** Sizes beyond this are typos, not models: no dim of a tensor here gets near 2^31. */
const MAX_SIZE = 2 ** 31 - 1;

/** `value` if it is an integer in [`min`, 2^31), else an error naming the layer and the argument. */
export function size(layer: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_SIZE)
    throw new Error(`${layer}: ${name} must be an integer in [${min}, 2^31), got ${describe(value)}`);
  return value;
}

/** A number or an (height, width) pair of integers no smaller than `min`, as a pair. */
export function intPair(layer: string, name: string, value: unknown, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? value : null;
  if (pair === null) throw new Error(`${layer}: ${name} must be an integer or a pair of them, got ${describe(value)}`);
  return [size(layer, name, pair[0], min), size(layer, name, pair[1], min)];
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(',')}]`;
  return value === null || typeof value !== 'object' ? String(value) : 'an object';
}
