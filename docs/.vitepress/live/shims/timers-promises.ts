/** `node:timers/promises` for the page's programs. */
export function setImmediate<T>(value?: T): Promise<T | undefined> {
  return new Promise((resolve) => globalThis.setTimeout(() => resolve(value), 0));
}

export function setTimeout<T>(ms?: number, value?: T): Promise<T | undefined> {
  return new Promise((resolve) => globalThis.setTimeout(() => resolve(value), ms ?? 0));
}

export default { setImmediate, setTimeout };
