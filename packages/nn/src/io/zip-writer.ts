/**
 * Writes a ZIP archive of stored (uncompressed) records the way torch.save does (see zip-format.ts):
 * each record's data aligned to 64 bytes by an 'FB' padding extra field, UTF-8 names, CRC-32s, and a
 * ZIP64 end record and locator before the end record. Unlike torch, the CRC and sizes go in the local
 * header (the whole record is in memory), so no data descriptor follows the data; readers, torch's
 * included, take sizes from the central directory either way. Records that do not fit 32-bit fields
 * get ZIP64 extra fields; `zip64: true` gives every record one (what a reader must be able to read).
 */
import { crc32 } from './crc32.js';
import { hasLoneSurrogate } from './safetensors-format.js';
import {
  CENTRAL_HEADER,
  CENTRAL_HEADER_BYTES,
  END_RECORD,
  END_RECORD_BYTES,
  FLAG_UTF8,
  LOCAL_HEADER,
  LOCAL_HEADER_BYTES,
  TORCH_ALIGNMENT,
  TORCH_PADDING_EXTRA,
  VERSION_STORED,
  VERSION_ZIP64,
  ZIP64_END_RECORD,
  ZIP64_END_RECORD_BYTES,
  ZIP64_EXTRA,
  ZIP64_LOCATOR,
  ZIP64_LOCATOR_BYTES,
  ZIP64_MARK_16,
  ZIP64_MARK_32,
} from './zip-format.js';

/** One record of an archive: its full name (`archive/data/0`) and its bytes. */
export interface ZipRecord {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Options of {@link writeStoredZip}. */
export interface ZipWriteOptions {
  /** Record data start at a multiple of this many bytes (torch: 64). */
  readonly alignment?: number;
  /** Give every record ZIP64 sizes and offset, and the directory ZIP64 counts, even when they fit 32 bits. */
  readonly zip64?: boolean;
}

/** MS-DOS date 1980-01-01 (day 1, month 1, year 0): the earliest valid date; time 00:00. Fixed, so archives are reproducible. */
const DOS_DATE = (1 << 5) | 1;

interface Layout {
  readonly name: Uint8Array;
  readonly data: Uint8Array;
  readonly crc: number;
  readonly offset: number;
  readonly zip64: boolean;
  readonly padding: number;
}

/**
 * The archive holding `records`, in their order. Names must be distinct, valid Unicode and at most
 * 65535 bytes of UTF-8.
 * @example writeStoredZip([{ name: 'archive/version', data: new TextEncoder().encode('3\n') }])
 */
export function writeStoredZip(records: readonly ZipRecord[], opts: ZipWriteOptions = {}): Uint8Array {
  const alignment = opts.alignment ?? TORCH_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment < 1 || alignment > 0x8000)
    throw new Error(`writeStoredZip: alignment ${alignment} is not an integer in [1, 32768]`);
  const seen = new Set<string>();
  const layout: Layout[] = [];
  let pos = 0;
  for (const { name, data } of records) {
    if (seen.has(name)) throw new Error(`writeStoredZip: record '${name}' given twice`);
    seen.add(name);
    if (hasLoneSurrogate(name)) throw new Error(`writeStoredZip: record name '${name}' is not valid Unicode (a lone surrogate)`);
    const encoded = new TextEncoder().encode(name);
    if (encoded.length > 0xffff) throw new Error(`writeStoredZip: record name '${name.slice(0, 40)}…' is over 65535 bytes`);
    const zip64 = opts.zip64 === true || data.length >= ZIP64_MARK_32 || pos >= ZIP64_MARK_32;
    const before = pos + LOCAL_HEADER_BYTES + encoded.length + (zip64 ? 20 : 0) + 4; // up to the padding's own bytes
    const padding = (alignment - (before % alignment)) % alignment;
    layout.push({ name: encoded, data, crc: crc32(data), offset: pos, zip64, padding });
    pos = before + padding + data.length;
  }
  const directoryStart = pos;
  for (const r of layout) pos += CENTRAL_HEADER_BYTES + r.name.length + (r.zip64 ? 28 : 0);
  const directoryBytes = pos - directoryStart;
  const total = pos + ZIP64_END_RECORD_BYTES + ZIP64_LOCATOR_BYTES + END_RECORD_BYTES;
  if (!Number.isSafeInteger(total)) throw new Error(`writeStoredZip: archive of ${total} bytes is too large`);

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  const u64 = (v: number) => {
    view.setBigUint64(at, BigInt(v), true);
    at += 8;
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  const fit32 = (v: number, zip64: boolean) => (zip64 ? ZIP64_MARK_32 : v);

  for (const r of layout) {
    u32(LOCAL_HEADER);
    u16(r.zip64 ? VERSION_ZIP64 : VERSION_STORED);
    u16(FLAG_UTF8);
    u16(0); // stored
    u16(0); // time 00:00
    u16(DOS_DATE);
    u32(r.crc);
    u32(fit32(r.data.length, r.zip64)); // compressed size
    u32(fit32(r.data.length, r.zip64)); // size
    u16(r.name.length);
    u16((r.zip64 ? 20 : 0) + 4 + r.padding);
    bytes(r.name);
    if (r.zip64) {
      u16(ZIP64_EXTRA);
      u16(16);
      u64(r.data.length); // size
      u64(r.data.length); // compressed size
    }
    u16(TORCH_PADDING_EXTRA);
    u16(r.padding);
    out.fill(0x5a, at, at + r.padding); // 'Z', as torch pads
    at += r.padding;
    bytes(r.data);
  }
  for (const r of layout) {
    u32(CENTRAL_HEADER);
    u16(r.zip64 ? VERSION_ZIP64 : VERSION_STORED); // made by: MS-DOS attributes, this version
    u16(r.zip64 ? VERSION_ZIP64 : VERSION_STORED);
    u16(FLAG_UTF8);
    u16(0);
    u16(0);
    u16(DOS_DATE);
    u32(r.crc);
    u32(fit32(r.data.length, r.zip64));
    u32(fit32(r.data.length, r.zip64));
    u16(r.name.length);
    u16(r.zip64 ? 28 : 0);
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(fit32(r.offset, r.zip64));
    bytes(r.name);
    if (r.zip64) {
      u16(ZIP64_EXTRA);
      u16(24);
      u64(r.data.length);
      u64(r.data.length);
      u64(r.offset);
    }
  }
  const zip64End = at;
  u32(ZIP64_END_RECORD);
  u64(ZIP64_END_RECORD_BYTES - 12); // the record's size, not counting its signature and this field
  u16(VERSION_ZIP64);
  u16(VERSION_ZIP64);
  u32(0); // this disk
  u32(0); // the directory's disk
  u64(layout.length);
  u64(layout.length);
  u64(directoryBytes);
  u64(directoryStart);
  u32(ZIP64_LOCATOR);
  u32(0); // the disk of the ZIP64 end record
  u64(zip64End);
  u32(1); // disks in all
  const big = opts.zip64 === true || layout.length >= ZIP64_MARK_16 || directoryStart >= ZIP64_MARK_32 || directoryBytes >= ZIP64_MARK_32;
  u32(END_RECORD);
  u16(0);
  u16(0);
  u16(big ? ZIP64_MARK_16 : layout.length);
  u16(big ? ZIP64_MARK_16 : layout.length);
  u32(big ? ZIP64_MARK_32 : directoryBytes);
  u32(big ? ZIP64_MARK_32 : directoryStart);
  u16(0); // comment
  return out;
}
