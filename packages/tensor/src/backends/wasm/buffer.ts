/**
 * A tensor buffer of the wasm backend: `length` 4-byte elements at byte address `ptr` of the linear
 * memory. It is the backend's DataId; views of it carry their own shape, strides and offset.
 */
import type { DataId, View } from '../../backend.js';

export class WasmBuffer {
  disposed = false;

  constructor(
    readonly ptr: number,
    readonly length: number,
  ) {}
}

/** The buffer behind a DataId, checked to be a live buffer of this backend. */
export function bufferOf(id: DataId): WasmBuffer {
  if (!(id instanceof WasmBuffer)) throw new Error('wasm backend: buffer belongs to another backend');
  if (id.disposed) throw new Error('wasm backend: buffer was disposed');
  return id;
}

/** Byte address of a view's first element. */
export function addressOf(v: View): number {
  return bufferOf(v.dataId).ptr + 4 * v.offset;
}
