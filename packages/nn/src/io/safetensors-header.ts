/**
 * The safetensors header, read strictly. The header is JSON of one fixed shape, three levels deep:
 *
 *   { "<tensor name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24] },
 *     ...,
 *     "__metadata__": { "<key>": "<value>", ... } }
 *
 * `JSON.parse` accepts more than the format does and hides what it drops: a key given twice keeps its
 * last value, a byte-order mark is stripped before it ever sees it, a lone surrogate escape (`"\ud800"`)
 * becomes half a character. The format's spec says "duplicate keys are disallowed", and its reference
 * reader (Rust, serde_json) refuses all three. So this is a small recursive-descent reader for exactly
 * that shape, one method per rule of the grammar:
 *
 *   header   = '{' (name ':' (entry | metadata)) separated by ',' '}'
 *   entry    = '{' ('"dtype"' ':' string | '"shape"' ':' counts | '"data_offsets"' ':' counts
 *                  | other-key ':' any-value) separated by ',' '}'
 *   metadata = '{' (string ':' string) separated by ',' '}'
 *   counts   = '[' (digits) separated by ',' ']'
 *
 * Every object is checked for duplicate keys, and keys are kept in a Set and a Map, never as the
 * properties of a plain object (where `__proto__` is not a key but the prototype). The grammar has no
 * recursion of its own: a `shape` nested 10⁴ deep fails on its second `[`. Only an unknown field of an
 * entry (the reference reader skips them, and so do we) can hold any JSON value; skipping one recurses
 * at most {@link MAX_DEPTH} levels.
 */

/** What the header says about one tensor: the types are checked here, the consistency by the caller. */
export interface HeaderEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly offsets: number[];
}

export interface Header {
  /** In the order of the header. */
  readonly entries: HeaderEntry[];
  readonly metadata: Map<string, string>;
}

/** How deep an unknown field's value may nest (serde_json's own limit is 128). */
export const MAX_DEPTH = 64;

/**
 * Reads a header's text (decoded from UTF-8 with its byte-order mark, if any, kept). `fail(what)`
 * makes the error to throw, so that it names the file.
 * @example readHeader('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', (what) => new Error(what)).entries[0].shape // [1]
 */
export function readHeader(text: string, fail: (what: string) => Error): Header {
  return new HeaderReader(text, fail).header();
}

/** The simple escapes of JSON strings, besides `\uXXXX`. */
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

// Tokens, matched at a position (the `y` flag): a JSON number, the literals, four hex digits; and for
// quoting a bad `shape` in a message, a flat array or a string.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERAL = /true|false|null/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const FLAT_ARRAY = /\[[^[\]{}]*\]/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

class HeaderReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly fail: (what: string) => Error,
  ) {}

  header(): Header {
    if (this.text.charCodeAt(0) === 0xfeff)
      throw this.fail('header starts with a byte-order mark (U+FEFF), which the format does not allow');
    this.space();
    if (this.text[this.pos] !== '{') throw this.fail('header is not a JSON object');
    const entries: HeaderEntry[] = [];
    const metadata = new Map<string, string>();
    this.members('', (name) => {
      if (name === '__metadata__') this.metadata(metadata);
      else entries.push(this.entry(name));
    });
    this.space();
    if (this.pos < this.text.length) throw this.syntax('only spaces may follow the header object');
    return { entries, metadata };
  }

  /** `{ "dtype": ..., "shape": ..., "data_offsets": ... }`, in any order, other fields skipped. */
  private entry(name: string): HeaderEntry {
    const what = `tensor '${name}'`;
    if (this.text[this.pos] !== '{') throw this.fail(`${what}: header entry is not an object`);
    let dtype: string | undefined;
    let shape: number[] | undefined;
    let offsets: number[] | undefined;
    this.members(` in ${what}`, (key) => {
      if (key === 'dtype') {
        if (this.text[this.pos] !== '"') throw this.fail(`${what}: dtype is missing or not a string`);
        dtype = this.string();
      } else if (key === 'shape') shape = this.counts(what, 'shape');
      else if (key === 'data_offsets') offsets = this.counts(what, 'data_offsets');
      else this.skipValue(` in field '${key}' of ${what}`, 1);
    });
    if (dtype === undefined) throw this.fail(`${what}: dtype is missing or not a string`);
    if (shape === undefined) throw this.fail(`${what}: shape is missing`);
    if (offsets === undefined) throw this.fail(`${what}: data_offsets is missing`);
    return { name, dtype, shape, offsets };
  }

  /** `{ "key": "value", ... }`: strings only. */
  private metadata(into: Map<string, string>): void {
    if (this.text[this.pos] !== '{') throw this.fail('__metadata__ is not an object of strings');
    this.members(' in __metadata__', (key) => {
      if (this.text[this.pos] !== '"') throw this.fail(`__metadata__ '${key}' is not a string`);
      into.set(key, this.string());
    });
  }

  /**
   * `[0, 24]`: a flat array of non-negative integers written as plain digits (the reference reader
   * reads them as `usize`, which refuses `-1`, `1.0` and `1e3`), each exactly representable here.
   */
  private counts(what: string, field: string): number[] {
    const start = this.pos;
    const wrong = () => this.fail(`${what}: ${field} ${this.quote(start)} is not a list of non-negative integers`);
    const out: number[] = [];
    if (!this.eat('[')) throw wrong();
    this.space();
    if (this.eat(']')) return out;
    for (;;) {
      this.space();
      const token = this.match(NUMBER);
      if (token === undefined || !/^(0|[1-9][0-9]*)$/.test(token)) throw wrong();
      const n = Number(token);
      if (!Number.isSafeInteger(n)) throw this.fail(`${what}: ${field} ${this.quote(start)} holds ${token}, above 2^53 - 1`);
      out.push(n);
      this.space();
      if (this.eat(']')) return out;
      if (!this.eat(',')) throw wrong();
    }
  }

  /**
   * `{ "key": value, ... }`: calls `onMember(key)` with the reader at the value, which it must read.
   * `where` says which object this is, for the duplicate-key message (`''` for the header itself).
   */
  private members(where: string, onMember: (key: string) => void): void {
    this.expect('{');
    const seen = new Set<string>();
    this.space();
    if (this.eat('}')) return;
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') throw this.syntax('expected a key in double quotes');
      const key = this.string();
      if (seen.has(key)) throw this.fail(`header has duplicate key '${key}'${where}`);
      seen.add(key);
      this.space();
      this.expect(':');
      this.space();
      onMember(key);
      this.space();
      if (this.eat('}')) return;
      if (!this.eat(',')) throw this.syntax("expected ',' or '}'");
    }
  }

  /** Reads past any JSON value, checking its syntax (and its objects' keys) but keeping nothing. */
  private skipValue(where: string, depth: number): void {
    if (depth > MAX_DEPTH) throw this.fail(`header nests deeper than ${MAX_DEPTH} levels${where}`);
    const c = this.text[this.pos];
    if (c === '{') this.members(where, () => this.skipValue(where, depth + 1));
    else if (c === '[') {
      this.pos++;
      this.space();
      if (this.eat(']')) return;
      for (;;) {
        this.space();
        this.skipValue(where, depth + 1);
        this.space();
        if (this.eat(']')) return;
        if (!this.eat(',')) throw this.syntax("expected ',' or ']'");
      }
    } else if (c === '"') this.string();
    else if (this.match(NUMBER) === undefined && this.match(LITERAL) === undefined) throw this.syntax('expected a value');
  }

  /** A JSON string: no raw control characters, known escapes only, surrogates only in pairs. */
  private string(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      const run = this.pos; // copy the run of plain characters up to a quote, a backslash or the end
      while (this.pos < this.text.length && !'"\\'.includes(this.text[this.pos]) && this.text.charCodeAt(this.pos) >= 0x20) this.pos++;
      out += this.text.slice(run, this.pos);
      const c = this.text[this.pos];
      if (c === undefined) throw this.syntax('unterminated string');
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== '\\') throw this.syntax(`raw control character U+${c.charCodeAt(0).toString(16).padStart(4, '0')} in a string`);
      const escaped = this.text[this.pos + 1];
      if (escaped !== 'u') {
        if (escaped === undefined || !Object.hasOwn(ESCAPES, escaped)) throw this.syntax('unknown escape in a string');
        out += ESCAPES[escaped];
        this.pos += 2;
        continue;
      }
      const at = this.pos;
      const code = this.hexEscape();
      if (isLow(code)) throw this.loneSurrogate(code, at);
      if (isHigh(code)) {
        // a high surrogate must be followed at once by the escape of a low one: together they are one character
        const low = this.text.startsWith('\\u', this.pos) ? this.hexEscape() : -1;
        if (!isLow(low)) throw this.loneSurrogate(code, at);
        out += String.fromCharCode(code, low);
      } else out += String.fromCharCode(code);
    }
  }

  /** `\uXXXX` at the reader's position → the code unit. */
  private hexEscape(): number {
    this.pos += 2;
    const hex = this.match(HEX4);
    if (hex === undefined) throw this.syntax('\\u not followed by four hex digits');
    return Number.parseInt(hex, 16);
  }

  private loneSurrogate(code: number, at: number): Error {
    return this.fail(
      `header contains a lone surrogate \\u${code.toString(16)} at character ${at} (names and metadata must be valid Unicode)`,
    );
  }

  // --- the lexer's small steps ---

  private space(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.pos++;
    }
  }

  private eat(c: string): boolean {
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) throw this.syntax(`expected '${c}'`);
  }

  /** The token `re` matches at the reader's position (moving past it), or undefined. */
  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  /**
   * The value at `start`, for a message: a flat array, a string, a number or a literal whole if it is
   * short, else its beginning and '…'. (The regexes see 41 characters at most: a backtracking regex
   * over megabytes can itself overflow the stack.)
   */
  private quote(start: number): string {
    const head = this.text.slice(start, start + 41);
    for (const re of [FLAT_ARRAY, STRING, NUMBER, LITERAL]) {
      re.lastIndex = 0;
      const token = re.exec(head)?.[0];
      if (token !== undefined && token.length <= 40) return token;
    }
    return `${head.slice(0, 24)}…`;
  }

  private syntax(what: string): Error {
    const found = this.pos < this.text.length ? JSON.stringify(this.text[this.pos]) : 'the end of the header';
    return this.fail(`header is not valid UTF-8 JSON (${what} at character ${this.pos}, found ${found})`);
  }
}
