/**
 * Node's modules for nn's file I/O, reached through `process.getBuiltinModule` (Node ≥ 20.16) when a
 * function needs them instead of imported, as the tensor package's wasm backend does: nn then imports
 * no `node:` module, so a browser bundle of it (a page that builds and runs models, and loads weights
 * from fetched bytes with `readSafetensors`) needs no stand-ins, and calling file I/O there fails
 * with one clear line.
 */
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs';
import type * as NodeFsPromises from 'node:fs/promises';
import type * as NodeOs from 'node:os';
import type * as NodePath from 'node:path';
import type * as NodeZlib from 'node:zlib';

interface NodeModules {
  readonly fs: typeof NodeFs;
  readonly fsPromises: typeof NodeFsPromises;
  readonly path: typeof NodePath;
  readonly crypto: typeof NodeCrypto;
  readonly os: typeof NodeOs;
}

/** Node's fs, fs/promises, path, crypto and os; `what` names the caller in the error where there is no Node. */
export function nodeModules(what: string): NodeModules {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (!get) throw new Error(`${what}: file I/O needs Node ≥ 20.16 (in a browser, fetch the bytes and use readSafetensors)`);
  return {
    fs: get('node:fs') as typeof NodeFs,
    fsPromises: get('node:fs/promises') as typeof NodeFsPromises,
    path: get('node:path') as typeof NodePath,
    crypto: get('node:crypto') as typeof NodeCrypto,
    os: get('node:os') as typeof NodeOs,
  };
}

/**
 * Node's native CRC-32 (`zlib.crc32`, Node ≥ 20.15), about seven times faster than crc32.ts's own
 * loop; undefined outside Node or on an older Node, where that loop serves. A speed-up, never a need.
 */
export function nativeCrc32(): ((data: Uint8Array) => number) | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const zlib = get?.('node:zlib') as Partial<typeof NodeZlib> | undefined;
  return typeof zlib?.crc32 === 'function' ? (data) => (zlib.crc32 as (d: Uint8Array) => number)(data) : undefined;
}
