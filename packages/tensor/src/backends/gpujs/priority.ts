/**
 * The gpujs backend's rank in the engine's automatic choice, decided without loading gpu.js.
 * Above the reference backend (0) only where a WebGPU API is present (a browser with
 * `navigator.gpu`); elsewhere gpujs would likely run on its webasm or cpu fallback, and must never be
 * picked over the CPU path silently. (The factory is async, so `getBackend()` skips it anyway; users
 * choose it with `await setBackend('gpujs', { mode })`.)
 */
export function gpujsPriority(): number {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  return nav?.gpu ? 1 : -1;
}
