/**
 * Writes pickles of protocol 2, opcode by opcode, the way Python's pickler would for the values
 * torch.save puts in a state dict's data.pkl (see pth-format.ts): PROTO, GLOBAL, MARK and the tuple
 * opcodes, BINUNICODE, the BININT family and LONG1, BINFLOAT, NONE, NEWTRUE/NEWFALSE, EMPTY_DICT with
 * SETITEMS, EMPTY_LIST with APPENDS, REDUCE, BINPERSID and STOP. No memo is written (BINPUT/BINGET only
 * make a pickle shorter). The caller emits the program: `writer.global('collections', 'OrderedDict')`
 * pushes the class, `writer.reduce()` calls it, and so on.
 */
import { OP } from './pickle-opcodes.js';
import { hasLoneSurrogate } from './safetensors-format.js';

/** A plain value the pickle writer can write (`PickleWriter.value`): Python's None, bool, int/float, str, list, dict. */
export type PlainValue = null | boolean | number | string | readonly PlainValue[] | { readonly [key: string]: PlainValue };

export class PickleWriter {
  private buf = new Uint8Array(4096);
  private len = 0;
  private readonly encoder = new TextEncoder();

  /** Starts the pickle: PROTO 2. */
  constructor() {
    this.op(OP.PROTO);
    this.byte(2);
  }

  /** One opcode. */
  op(code: number): this {
    return this.byte(code);
  }

  /** GLOBAL: pushes `module.name` (a class or function, for REDUCE to call or to be an argument). */
  global(module: string, name: string): this {
    if (/[\n\r]/.test(module + name)) throw new Error(`pickle: GLOBAL '${module}.${name}' cannot hold a line break`);
    this.op(OP.GLOBAL);
    return this.raw(this.encoder.encode(`${module}\n${name}\n`));
  }

  /** BINUNICODE: pushes a str. */
  string(s: string): this {
    if (hasLoneSurrogate(s)) throw new Error(`pickle: string '${s}' has a lone surrogate (not valid Unicode)`);
    const utf8 = this.encoder.encode(s);
    this.op(OP.BINUNICODE);
    this.u32(utf8.length);
    return this.raw(utf8);
  }

  /** Pushes a Python int: BININT1, BININT2 or BININT where it fits, else LONG1 (two's complement, little-endian). */
  int(n: number): this {
    if (!Number.isSafeInteger(n)) throw new Error(`pickle: ${n} is not an integer below 2^53 in magnitude`);
    if (n >= 0 && n < 0x100) return this.op(OP.BININT1).byte(n);
    if (n >= 0 && n < 0x10000)
      return this.op(OP.BININT2)
        .byte(n & 0xff)
        .byte(n >>> 8);
    if (n >= -0x80000000 && n < 0x80000000) return this.op(OP.BININT).u32(n >>> 0);
    const bytes: number[] = [];
    let v = BigInt(n);
    // the fewest bytes whose two's complement holds n: stop once the rest is all sign and the top bit agrees
    for (;;) {
      const b = Number(v & 0xffn);
      bytes.push(b);
      v >>= 8n;
      if ((v === 0n && b < 0x80) || (v === -1n && b >= 0x80)) break;
    }
    this.op(OP.LONG1).byte(bytes.length);
    for (const b of bytes) this.byte(b);
    return this;
  }

  /** BINFLOAT: pushes a Python float (8 bytes, big-endian). */
  float(x: number): this {
    this.op(OP.BINFLOAT);
    this.reserve(8);
    new DataView(this.buf.buffer).setFloat64(this.len, x, false);
    this.len += 8;
    return this;
  }

  /** NEWTRUE or NEWFALSE. */
  bool(b: boolean): this {
    return this.op(b ? OP.NEWTRUE : OP.NEWFALSE);
  }

  /** NONE. */
  none(): this {
    return this.op(OP.NONE);
  }

  /** Pushes a tuple of `count` items, which `items()` pushes: EMPTY_TUPLE, TUPLE1–3, or MARK … TUPLE, as Python does. */
  tuple(count: number, items: () => void): this {
    if (count === 0) return this.op(OP.EMPTY_TUPLE);
    if (count > 3) this.op(OP.MARK);
    items();
    return this.op(count === 1 ? OP.TUPLE1 : count === 2 ? OP.TUPLE2 : count === 3 ? OP.TUPLE3 : OP.TUPLE);
  }

  /** Pushes a tuple of ints (a size or a stride). */
  intTuple(values: readonly number[]): this {
    return this.tuple(values.length, () => {
      for (const v of values) this.int(v);
    });
  }

  /** Sets `count` items, which `items()` pushes key, value, key, value, …, into the dict on the stack: MARK … SETITEMS. */
  setItems(count: number, items: () => void): this {
    if (count === 0) return this;
    this.op(OP.MARK);
    items();
    return this.op(OP.SETITEMS);
  }

  /**
   * Pushes a plain value: integers as ints, other numbers as floats (so 1.0 is written as the int 1),
   * arrays as lists, objects as dicts with str keys.
   */
  value(v: PlainValue): this {
    if (v === null) return this.none();
    if (typeof v === 'boolean') return this.bool(v);
    if (typeof v === 'number') return Number.isSafeInteger(v) ? this.int(v) : this.float(v);
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v)) {
      const list = v as readonly PlainValue[];
      this.op(OP.EMPTY_LIST);
      if (list.length === 0) return this;
      this.op(OP.MARK);
      for (const item of list) this.value(item);
      return this.op(OP.APPENDS);
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v);
      this.op(OP.EMPTY_DICT);
      return this.setItems(entries.length, () => {
        for (const [k, item] of entries) this.string(k).value(item);
      });
    }
    throw new Error(`pickle: cannot write a value of type ${typeof v}`);
  }

  /** STOP, and the pickle's bytes. */
  finish(): Uint8Array {
    this.op(OP.STOP);
    return this.buf.slice(0, this.len);
  }

  // --- bytes ---

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  private byte(b: number): this {
    this.reserve(1);
    this.buf[this.len++] = b;
    return this;
  }

  private u32(v: number): this {
    this.reserve(4);
    new DataView(this.buf.buffer).setUint32(this.len, v, true);
    this.len += 4;
    return this;
  }

  private raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }
}
