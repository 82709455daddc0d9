/**
 * Reads a ZIP archive of stored records, as torch.save writes them (see zip-format.ts), from bytes in
 * memory. The central directory is the authority (torch writes sizes and CRCs only there and in data
 * descriptors, never in the local headers); each local header is consulted only for where its data
 * start. ZIP64 end records and ZIP64 extra fields are read. Compressed, encrypted or multi-disk archives
 * are refused, as is anything inconsistent: every check names the record and the field, through
 * `fail`, so that the caller's error names the file.
 */
import { crc32 } from './crc32.js';
import {
  CENTRAL_HEADER,
  CENTRAL_HEADER_BYTES,
  END_RECORD,
  END_RECORD_BYTES,
  FLAG_ENCRYPTED,
  LOCAL_HEADER,
  LOCAL_HEADER_BYTES,
  ZIP64_END_RECORD,
  ZIP64_END_RECORD_BYTES,
  ZIP64_EXTRA,
  ZIP64_LOCATOR,
  ZIP64_LOCATOR_BYTES,
  ZIP64_MARK_16,
  ZIP64_MARK_32,
} from './zip-format.js';

/** An archive opened by {@link readStoredZip}. */
export interface StoredZip {
  /** Every record's name, in the central directory's order. */
  readonly names: readonly string[];
  /** Whether the archive has a record of this name. */
  has(name: string): boolean;
  /** A record's bytes: a view into the archive's bytes, checked against its CRC-32. */
  read(name: string): Uint8Array;
}

interface DirectoryEntry {
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/** The largest comment an end record can have; the record is searched for this far from the end. */
const MAX_COMMENT = 0xffff;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * Opens the archive in `bytes`; `fail(what)` makes the error to throw.
 * @example readStoredZip(bytes, (what) => new Error(`model.pth: ${what}`)).read('archive/data.pkl')
 */
export function readStoredZip(bytes: Uint8Array, fail: (what: string) => Error): StoredZip {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number, field: string) => {
    const v = view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`${field} ${v} is above 2^53`);
    return Number(v);
  };

  // a first record, or for an archive of no records its (ZIP64) end record
  if (bytes.length < 4 || ![LOCAL_HEADER, ZIP64_END_RECORD, END_RECORD].includes(u32(0)))
    throw fail(`not a ZIP archive: it starts with bytes ${hex(bytes.subarray(0, 4)) || '(none: the file is empty)'}, not 50 4b 03 04`);

  // the end record: the last signature from which the record and its comment reach exactly the end
  let end = -1;
  for (let at = bytes.length - END_RECORD_BYTES; at >= Math.max(0, bytes.length - END_RECORD_BYTES - MAX_COMMENT); at--) {
    if (u32(at) === END_RECORD && at + END_RECORD_BYTES + u16(at + 20) === bytes.length) {
      end = at;
      break;
    }
  }
  if (end < 0) throw fail(`no end-of-central-directory record: the file (${bytes.length} bytes) is truncated or damaged`);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) throw fail('the archive spans several disks, which torch.save never writes');
  let count = u16(end + 10);
  let directoryBytes = u32(end + 12);
  let directoryStart = u32(end + 16);
  let directoryLimit = end; // where the directory must end
  const locator = end - ZIP64_LOCATOR_BYTES;
  if (locator >= 0 && u32(locator) === ZIP64_LOCATOR) {
    const at = u64(locator + 8, 'ZIP64 locator: end record offset');
    if (at + ZIP64_END_RECORD_BYTES > locator || u32(at) !== ZIP64_END_RECORD)
      throw fail(`ZIP64 locator points at byte ${at}, where there is no ZIP64 end-of-central-directory record`);
    if (u32(at + 16) !== 0 || u32(at + 20) !== 0) throw fail('the archive spans several disks, which torch.save never writes');
    const count64 = u64(at + 32, 'ZIP64 end record: record count');
    const bytes64 = u64(at + 40, 'ZIP64 end record: directory size');
    const start64 = u64(at + 48, 'ZIP64 end record: directory offset');
    const agree = (v32: number, mark: number, v64: number) => v32 === mark || v32 === v64;
    if (
      !agree(count, ZIP64_MARK_16, count64) ||
      !agree(directoryBytes, ZIP64_MARK_32, bytes64) ||
      !agree(directoryStart, ZIP64_MARK_32, start64)
    )
      throw fail(
        `the end record (${count} records, directory of ${directoryBytes} bytes at ${directoryStart}) and the ZIP64 end record (${count64}, ${bytes64} at ${start64}) disagree`,
      );
    [count, directoryBytes, directoryStart, directoryLimit] = [count64, bytes64, start64, at];
  } else if (count === ZIP64_MARK_16 || directoryBytes === ZIP64_MARK_32 || directoryStart === ZIP64_MARK_32) {
    throw fail('the end record defers to a ZIP64 end record, but there is no ZIP64 locator before it');
  }
  if (directoryStart + directoryBytes > directoryLimit)
    throw fail(`the central directory (${directoryBytes} bytes at ${directoryStart}) runs past its end record at ${directoryLimit}`);

  const entries = new Map<string, DirectoryEntry>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let at = directoryStart;
  const directoryEnd = directoryStart + directoryBytes;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_HEADER_BYTES > directoryEnd || u32(at) !== CENTRAL_HEADER)
      throw fail(`central directory entry ${i} of ${count} is missing or damaged (at byte ${at})`);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const next = at + CENTRAL_HEADER_BYTES + nameLength + extraLength + u16(at + 32);
    if (next > directoryEnd) throw fail(`central directory entry ${i} runs past the directory's end`);
    const nameBytes = bytes.subarray(at + CENTRAL_HEADER_BYTES, at + CENTRAL_HEADER_BYTES + nameLength);
    let name: string;
    try {
      name = decoder.decode(nameBytes);
    } catch {
      throw fail(`central directory entry ${i}: the name (${hex(nameBytes.subarray(0, 16))}…) is not UTF-8`);
    }
    let size = u32(at + 24);
    let compressedSize = u32(at + 20);
    let offset = u32(at + 42);
    if (u16(at + 34) !== 0 && u16(at + 34) !== ZIP64_MARK_16) throw fail(`record '${name}' lies on another disk`);
    if (size === ZIP64_MARK_32 || compressedSize === ZIP64_MARK_32 || offset === ZIP64_MARK_32) {
      // the ZIP64 extra field holds, in this order, each value whose field says 0xFFFFFFFF
      const extra = findExtra(view, at + CENTRAL_HEADER_BYTES + nameLength, extraLength, ZIP64_EXTRA);
      if (extra === undefined) throw fail(`record '${name}': its sizes or offset defer to a ZIP64 extra field, but it has none`);
      let p = extra.start;
      const take = (field: string) => {
        if (p + 8 > extra.end) throw fail(`record '${name}': its ZIP64 extra field is too short to hold the ${field}`);
        const v = u64(p, `record '${name}': ZIP64 ${field}`);
        p += 8;
        return v;
      };
      if (size === ZIP64_MARK_32) size = take('size');
      if (compressedSize === ZIP64_MARK_32) compressedSize = take('compressed size');
      if (offset === ZIP64_MARK_32) offset = take('local header offset');
    }
    if (entries.has(name)) throw fail(`the archive holds two records named '${name}'`);
    entries.set(name, { name, nameBytes, flags: u16(at + 8), method: u16(at + 10), crc: u32(at + 16), compressedSize, size, offset });
    at = next;
  }

  const checked = new Set<string>();
  return {
    names: [...entries.keys()],
    has: (name) => entries.has(name),
    read(name) {
      const e = entries.get(name);
      if (e === undefined) throw fail(`the archive has no record '${name}'`);
      if (e.flags & FLAG_ENCRYPTED) throw fail(`record '${name}' is encrypted`);
      if (e.method !== 0)
        throw fail(
          `record '${name}' is compressed (method ${e.method}${e.method === 8 ? ', deflate' : ''}); torch.save stores records uncompressed`,
        );
      if (e.compressedSize !== e.size)
        throw fail(`record '${name}' is stored, yet its compressed size ${e.compressedSize} differs from its size ${e.size}`);
      if (e.offset + LOCAL_HEADER_BYTES > directoryStart || u32(e.offset) !== LOCAL_HEADER)
        throw fail(`record '${name}': no local header at byte ${e.offset}`);
      const localName = bytes.subarray(e.offset + LOCAL_HEADER_BYTES, e.offset + LOCAL_HEADER_BYTES + u16(e.offset + 26));
      if (hex(localName) !== hex(e.nameBytes)) throw fail(`record '${name}': its local header names another record`);
      const start = e.offset + LOCAL_HEADER_BYTES + localName.length + u16(e.offset + 28);
      if (start + e.size > directoryStart)
        throw fail(
          `record '${name}' (${e.size} bytes at ${start}) runs into the central directory at ${directoryStart} (truncated or damaged file?)`,
        );
      const data = bytes.subarray(start, start + e.size);
      if (!checked.has(name)) {
        const crc = crc32(data);
        if (crc !== e.crc)
          throw fail(
            `record '${name}': CRC-32 is ${crc.toString(16).padStart(8, '0')}, the directory says ${e.crc.toString(16).padStart(8, '0')} (damaged file)`,
          );
        checked.add(name);
      }
      return data;
    },
  };
}

/** The extra field of tag `tag` among the extra fields at [at, at + length), as its data's [start, end); undefined if absent. */
function findExtra(view: DataView, at: number, length: number, tag: number): { start: number; end: number } | undefined {
  const end = at + length;
  while (at + 4 <= end) {
    const size = view.getUint16(at + 2, true);
    if (view.getUint16(at, true) === tag) return { start: at + 4, end: Math.min(end, at + 4 + size) };
    at += 4 + size;
  }
  return undefined;
}
