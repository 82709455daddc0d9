/**
 * Python's pickle opcodes (Lib/pickletools.py), protocols 0 to 5. A pickle is a program for a small
 * stack machine: each opcode is one byte, some followed by an argument (a fixed-size little-endian
 * integer, a length-prefixed string, or for GLOBAL two newline-terminated lines). torch.save writes
 * protocol 2. Every opcode is listed here, so that an error can name the one it refuses; which ones are
 * read and written is up to pickle-reader.ts and pickle-writer.ts.
 */
export const OP = {
  MARK: 0x28, // '(' push a mark (the start of a TUPLE's, APPENDS' or SETITEMS' items)
  STOP: 0x2e, // '.' the end: the value on top of the stack is the result
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  FLOAT: 0x46,
  INT: 0x49,
  BININT: 0x4a, // 'J' 4-byte signed int
  BININT1: 0x4b, // 'K' 1-byte unsigned int
  LONG: 0x4c,
  BININT2: 0x4d, // 'M' 2-byte unsigned int
  NONE: 0x4e, // 'N'
  PERSID: 0x50,
  BINPERSID: 0x51, // 'Q' pop a persistent id, push what it refers to (torch: a storage)
  REDUCE: 0x52, // 'R' pop args tuple and callable, push callable(*args)
  STRING: 0x53,
  BINSTRING: 0x54, // 'T' 4-byte length, bytes (a Python 2 str)
  SHORT_BINSTRING: 0x55, // 'U' 1-byte length, bytes
  UNICODE: 0x56,
  BINUNICODE: 0x58, // 'X' 4-byte length, UTF-8
  EMPTY_LIST: 0x5d, // ']'
  APPEND: 0x61, // 'a'
  BUILD: 0x62, // 'b' pop state, set it on the object below (OrderedDict: its __dict__, e.g. _metadata)
  GLOBAL: 0x63, // 'c' push module.name, given as two lines "module\nname\n"
  DICT: 0x64,
  APPENDS: 0x65, // 'e'
  GET: 0x67,
  BINGET: 0x68, // 'h' push memo[1-byte index]
  INST: 0x69,
  LONG_BINGET: 0x6a, // 'j' push memo[4-byte index]
  LIST: 0x6c,
  OBJ: 0x6f,
  PUT: 0x70,
  BINPUT: 0x71, // 'q' memo[1-byte index] = top of stack
  LONG_BINPUT: 0x72, // 'r' memo[4-byte index] = top of stack
  SETITEM: 0x73, // 's'
  TUPLE: 0x74, // 't' the items since the last mark, as a tuple
  SETITEMS: 0x75, // 'u'
  EMPTY_DICT: 0x7d, // '}'
  EMPTY_TUPLE: 0x29, // ')'
  BINFLOAT: 0x47, // 'G' 8-byte big-endian IEEE double
  BINBYTES: 0x42, // 'B' 4-byte length, bytes (protocol 3)
  SHORT_BINBYTES: 0x43, // 'C' 1-byte length, bytes (protocol 3)
  PROTO: 0x80, // protocol version, 1 byte
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a, // 1-byte length, little-endian two's complement int
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c, // 1-byte length, UTF-8 (protocol 4)
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93, // pop name and module strings, push module.name (protocol 4)
  MEMOIZE: 0x94, // memo[len(memo)] = top of stack (protocol 4)
  FRAME: 0x95, // 8-byte frame length, a hint only (protocol 4)
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

const NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));

/** An opcode for a message: `GLOBAL ('c', 0x63)`, or `0xff` for a byte that is no opcode. */
export function opcodeName(code: number): string {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  const name = NAMES.get(code);
  if (name === undefined) return `${hex} (not a pickle opcode)`;
  const printable = code >= 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}', ` : '';
  return `${name} (${printable}${hex})`;
}
