/**
 * Matching a state dict against a module's entries before anything is copied: every missing,
 * unexpected and mis-shaped key is collected and reported in one error, because fixing a checkpoint
 * one key per run is miserable.
 */
import { type Shape, shapesEqual, type Tensor } from '@setr-ts/tensor';

/** What {@link Module.loadStateDict} returns: the keys that did not match (non-empty only with `strict: false`). */
export interface LoadResult {
  /** Keys the module has and the dict lacks (left unchanged). */
  readonly missingKeys: string[];
  /** Keys the dict has and the module lacks (ignored). */
  readonly unexpectedKeys: string[];
}

const fmt = (s: Shape) => `[${s.join(',')}]`;

/** How many keys an error message lists per category before summarising the rest. */
const LIST_AT_MOST = 50;

function list(keys: string[]): string {
  const shown = keys.slice(0, LIST_AT_MOST).join(', ');
  return keys.length > LIST_AT_MOST ? `${shown}, ... (${keys.length - LIST_AT_MOST} more)` : shown;
}

/**
 * Compares `dict` with the module's `expected` shapes. Throws, listing all problems, if any key is
 * mis-shaped, or (when `strict`) missing or unexpected; otherwise returns the missing and unexpected keys.
 * Keys in `optional` may be absent without being missing.
 */
export function checkStateDict(
  moduleName: string,
  expected: ReadonlyMap<string, Shape>,
  dict: Record<string, Tensor>,
  strict: boolean,
  optional: ReadonlySet<string> = new Set(),
): LoadResult {
  const missingKeys = [...expected.keys()].filter((k) => !Object.hasOwn(dict, k) && !optional.has(k));
  const unexpectedKeys = Object.keys(dict).filter((k) => !expected.has(k));
  const misShaped: string[] = [];
  for (const [k, shape] of expected) {
    const t = Object.hasOwn(dict, k) ? dict[k] : undefined;
    if (t && !shapesEqual(t.shape, shape)) misShaped.push(`${k}: checkpoint ${fmt(t.shape)}, model ${fmt(shape)}`);
  }
  const problems: string[] = [];
  if (strict && missingKeys.length > 0) problems.push(`missing keys (${missingKeys.length}): ${list(missingKeys)}`);
  if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys (${unexpectedKeys.length}): ${list(unexpectedKeys)}`);
  if (misShaped.length > 0) problems.push(`mis-shaped keys (${misShaped.length}): ${list(misShaped)}`);
  if (problems.length > 0) throw new Error(`loadStateDict: cannot load the state dict into ${moduleName}:\n  ${problems.join('\n  ')}`);
  return { missingKeys, unexpectedKeys };
}
