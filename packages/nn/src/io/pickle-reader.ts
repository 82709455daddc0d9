/**
 * A restricted unpickler: it runs the pickle stack machine (pickle-opcodes.ts) over the opcodes that
 * torch.save's data.pkl uses (protocol 2, and the protocol-4 forms a `pickle_protocol=4` save writes),
 * and builds a tree of plain values. It never imports or calls anything: GLOBAL yields a name, REDUCE
 * may only "call" `collections.OrderedDict` (an empty dict) or a name that the caller's hooks implement
 * (torch's tensor rebuild functions, in pth-format.ts), and BINPERSID asks the caller's hook. Any other
 * opcode, global or call is an error naming it and the byte it is at.
 *
 * Read: PROTO FRAME STOP MARK · NONE NEWTRUE NEWFALSE · BININT BININT1 BININT2 LONG1 BINFLOAT ·
 * BINUNICODE SHORT_BINUNICODE BINSTRING SHORT_BINSTRING BINBYTES SHORT_BINBYTES · EMPTY_TUPLE TUPLE
 * TUPLE1 TUPLE2 TUPLE3 · EMPTY_LIST APPEND APPENDS · EMPTY_DICT SETITEM SETITEMS · BINPUT LONG_BINPUT
 * MEMOIZE BINGET LONG_BINGET · GLOBAL STACK_GLOBAL REDUCE BUILD (state dict on an OrderedDict) · BINPERSID.
 */
import { OP, opcodeName } from './pickle-opcodes.js';

/** A Python tuple (kept apart from lists: rebuild functions take their sizes and strides as tuples). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python list. */
export class PyList {
  constructor(readonly items: PyValue[]) {}
}

/** A dict or OrderedDict, in insertion order; `attributes` is what BUILD set (an OrderedDict's `_metadata`). */
export class PyDict {
  readonly entries = new Map<PyValue, PyValue>();
  attributes: PyDict | undefined;
}

/** A GLOBAL: only a name (nothing is imported). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  /** `module.name`, as Python writes it. */
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A value a hook made (a storage, a tensor): the unpickler passes it around without looking inside. */
export class PyObject<T = unknown> {
  constructor(
    readonly type: string,
    readonly value: T,
  ) {}
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PyGlobal | PyObject;

/** What the caller allows beyond plain values. */
export interface UnpickleHooks {
  /**
   * The GLOBALs allowed besides `collections.OrderedDict`, by `module.name`: each maps to what REDUCE
   * does with its arguments, or to undefined for a name that may be passed around but not called.
   */
  readonly globals: ReadonlyMap<string, ((args: readonly PyValue[]) => PyValue) | undefined>;
  /** BINPERSID: what a persistent id refers to. */
  readonly persistentLoad: (pid: PyValue) => PyValue;
}

/** A value's Python type, for messages. */
export function pyTypeName(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyGlobal) return v.qualified;
  return v.type;
}

const ORDERED_DICT = 'collections.OrderedDict';

/**
 * Runs the pickle in `bytes` and returns its value; `fail(what)` makes the error to throw (`what`
 * starts with the byte offset of the opcode at fault).
 * @example unpickle(new Uint8Array([0x80, 2, 0x7d, 0x2e]), { globals: new Map(), persistentLoad: () => null }, (w) => new Error(w)) // an empty PyDict
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, fail: (what: string) => Error): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let at = 0; // where the current opcode starts
  let code = 0;
  const error = (what: string) => fail(`byte ${at}: ${opcodeName(code)}: ${what}`);

  const need = (n: number) => {
    if (pos + n > bytes.length) throw error(`needs ${n} more bytes, the pickle ends at byte ${bytes.length} (truncated?)`);
    const start = pos;
    pos += n;
    return start;
  };
  const u8 = () => bytes[need(1)];
  const u32 = () => view.getUint32(need(4), true);
  const text = (n: number) => {
    const start = need(n);
    try {
      return utf8.decode(bytes.subarray(start, start + n));
    } catch {
      throw error(`a string of ${n} bytes that is not valid UTF-8`);
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 1000) throw error('a name without its line break');
    let s: string;
    try {
      s = utf8.decode(bytes.subarray(pos, end)); // as Python 3 reads GLOBAL's lines
    } catch {
      throw error('a name that is not valid UTF-8');
    }
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) throw error('the stack is empty');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw error('the stack is empty');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const below = marks.pop();
    if (below === undefined) throw error('no MARK before it');
    stack = below;
    return items;
  };
  const resolve = (module: string, name: string): PyGlobal => {
    const g = new PyGlobal(module, name);
    if (g.qualified !== ORDERED_DICT && !hooks.globals.has(g.qualified))
      throw error(`'${g.qualified}' is not allowed: only tensors, plain values and OrderedDicts are read, and nothing is imported or run`);
    return g;
  };
  const setItems = (dict: PyValue, items: PyValue[]) => {
    if (!(dict instanceof PyDict)) throw error(`sets items on a ${pyTypeName(dict)}, not a dict`);
    if (items.length % 2 !== 0) throw error(`${items.length} values are not key-value pairs`);
    for (let i = 0; i < items.length; i += 2) dict.entries.set(items[i], items[i + 1]);
  };
  const append = (list: PyValue, items: PyValue[]) => {
    if (!(list instanceof PyList)) throw error(`appends to a ${pyTypeName(list)}, not a list`);
    list.items.push(...items);
  };

  for (;;) {
    at = pos;
    if (pos >= bytes.length) throw fail(`byte ${pos}: the pickle ends without STOP (truncated?)`);
    code = u8();
    switch (code) {
      case OP.PROTO: {
        const version = u8();
        if (version < 2 || version > 5) throw error(`protocol ${version} (torch.save writes 2)`);
        break;
      }
      case OP.FRAME:
        need(8); // the frame's length: a buffering hint
        break;
      case OP.STOP:
        return pop();
      case OP.MARK:
        marks.push(stack);
        stack = [];
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        stack.push(view.getInt32(need(4), true));
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(view.getUint16(need(2), true));
        break;
      case OP.LONG1: {
        const n = u8();
        const start = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[start + i]);
        if (n > 0 && bytes[start + n - 1] >= 0x80) v -= 1n << BigInt(8 * n); // two's complement
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case OP.BINFLOAT:
        stack.push(view.getFloat64(need(8), false));
        break;
      case OP.BINUNICODE:
      case OP.BINSTRING: // a Python 2 str: torch.load decodes it as UTF-8
        stack.push(text(u32()));
        break;
      case OP.SHORT_BINUNICODE:
      case OP.SHORT_BINSTRING:
        stack.push(text(u8()));
        break;
      case OP.BINBYTES:
      case OP.SHORT_BINBYTES: {
        const n = code === OP.BINBYTES ? u32() : u8();
        const start = need(n);
        stack.push(bytes.slice(start, start + n));
        break;
      }
      case OP.EMPTY_TUPLE:
        stack.push(new PyTuple([]));
        break;
      case OP.TUPLE: {
        const items = popMark(); // (not inline: popMark replaces `stack`, and `stack.push(...)` would read the old one first)
        stack.push(new PyTuple(items));
        break;
      }
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = code - OP.TUPLE1 + 1;
        if (stack.length < n) throw error(`needs ${n} values, the stack has ${stack.length}`);
        stack.push(new PyTuple(stack.splice(stack.length - n, n)));
        break;
      }
      case OP.EMPTY_LIST:
        stack.push(new PyList([]));
        break;
      case OP.APPEND: {
        const item = pop();
        append(top(), [item]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case OP.EMPTY_DICT:
        stack.push(new PyDict());
        break;
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.BINPUT:
        memo.set(u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const index = code === OP.BINGET ? u8() : u32();
        if (!memo.has(index)) throw error(`memo entry ${index} was never stored`);
        stack.push(memo.get(index) as PyValue);
        break;
      }
      case OP.GLOBAL: {
        const module = line();
        stack.push(resolve(module, line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw error('module and name are not strings');
        stack.push(resolve(module, name));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PyGlobal)) throw error(`calls a ${pyTypeName(callable)}, which is not a class or function`);
        if (!(args instanceof PyTuple)) throw error(`the arguments of '${callable.qualified}' are a ${pyTypeName(args)}, not a tuple`);
        if (callable.qualified === ORDERED_DICT) {
          if (args.items.length !== 0)
            throw error(`'${ORDERED_DICT}' is called with ${args.items.length} arguments; only OrderedDict() is read`);
          stack.push(new PyDict());
        } else {
          const f = hooks.globals.get(callable.qualified);
          if (f === undefined) throw error(`'${callable.qualified}' may appear in a pickle but is never called by this reader`);
          stack.push(f(args.items));
        }
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const target = top();
        // an OrderedDict with attributes (a state dict's `_metadata`): Python sets them as its __dict__
        if (!(target instanceof PyDict) || !(state instanceof PyDict))
          throw error(`sets the state of a ${pyTypeName(target)} from a ${pyTypeName(state)}; only a dict's attributes are read`);
        target.attributes = state;
        break;
      }
      case OP.BINPERSID:
        stack.push(hooks.persistentLoad(pop()));
        break;
      default:
        throw error('not an opcode this reader reads (it reads what torch.save writes for tensors and plain values)');
    }
  }
}
