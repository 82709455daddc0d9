/**
 * Two constructs gpu.js's WebGL translator (the GLSL of the webgl2 and headlessgl modes) turns into
 * GLSL that does not compile, found in kernel source text. Node runs no WebGL, so the kernel tests
 * check the sources they build with this; examples/web/test/gpujs-webgl2.test.ts compiles and runs
 * them in Chromium.
 *
 * - An array read inside another read's index (`x[row + taps[tx]]`): the translator lifts such reads,
 *   and an `if` condition holding one, into variables — a condition into a `float`, which GLSL refuses
 *   for a bool (`cannot convert from 'bool' to 'highp float'`), and two lifts in one scope under one
 *   name (`'hoisted_0_kernel' : redefinition`).
 * - A comparison's value kept in a variable (`const same = a === b;`): the translator types `===`,
 *   `!==`, `<=` and `>=` as their left operand, a float, and so declares a float for a bool.
 */

/** The first trap in `source`, quoted, or null. */
export function webglTrap(source: string): string | null {
  for (let i = source.indexOf('['); i >= 0; i = source.indexOf('[', i + 1)) {
    if (!/\w/.test(source[i - 1] ?? '')) continue;
    let depth = 0;
    for (let j = i; j < source.length; j++) {
      if (source[j] === '[') depth++;
      else if (source[j] === ']' && --depth === 0) {
        const inner = source.slice(i + 1, j);
        if (/\w\[/.test(inner)) return `an array read inside an index: [${inner}]`;
        break;
      }
    }
  }
  for (const line of source.split('\n')) {
    const m = /^\s*(?:const|let)\s+\w+\s*=\s*([^;]*);/.exec(line);
    if (m && !m[1].includes('?') && /===|!==|<=|>=|[^<]<[^<]|[^>]>[^>]/.test(m[1]))
      return `a comparison kept in a variable: ${line.trim()}`;
  }
  return null;
}
