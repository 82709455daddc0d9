/**
 * `node:util` for the page's programs: `inspect` and `format` are Node's own (node-inspect-extracted),
 * so that `console.log` prints what it prints in Node (`[ 2, 3 ]`, `Float32Array(4) [ 11, 22, 33, 44 ]`).
 */
import { format, inspect } from 'node-inspect-extracted';

export { format, inspect };

export function promisify<A extends unknown[], R>(
  f: (...args: [...A, (err: unknown, value: R) => void]) => void,
): (...args: A) => Promise<R> {
  return (...args) => new Promise((resolve, reject) => f(...args, (err, value) => (err ? reject(err) : resolve(value))));
}

export function parseArgs(): never {
  throw new Error('util.parseArgs: command-line arguments do not exist in the page');
}

/** Node's deep strict equality for the plain values programs compare (primitives, arrays, plain objects): key order does not matter. */
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && isDeepStrictEqual((a as Record<string, unknown>)[k], rb[k]));
}

const Decoder = globalThis.TextDecoder;
const Encoder = globalThis.TextEncoder;

export { Decoder as TextDecoder, Encoder as TextEncoder };
export default { format, inspect, promisify, parseArgs, isDeepStrictEqual, TextDecoder: Decoder, TextEncoder: Encoder };
