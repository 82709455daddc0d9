/**
 * CRC-32 as ZIP uses it (ISO-HDLC: polynomial 0x04C11DB7 reflected, i.e. 0xEDB88320, initial value and
 * final XOR 0xFFFFFFFF), which every record of a torch.save archive carries. A checkpoint is hundreds of
 * megabytes, so under Node ≥ 20.15 this is zlib's native CRC (about 6 GB/s), and elsewhere (a browser)
 * the "slicing-by-8" variant in JavaScript: eight tables, eight input bytes (two aligned 32-bit words)
 * per step, eight times fewer dependent steps than the byte-at-a-time loop (about 1 GB/s).
 *
 * The check value of the algorithm (the CRC of the ASCII bytes "123456789") is 0xCBF43926.
 */
import { nativeCrc32 } from './node-modules.js';

/** TABLES[k][b]: the CRC contribution of byte b followed by k zero bytes. */
const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) tables[k][b] = (tables[k - 1][b] >>> 8) ^ tables[0][tables[k - 1][b] & 0xff];
  }
  return tables;
})();

const native = nativeCrc32();

/**
 * The CRC-32 of `bytes`, as an unsigned 32-bit number.
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32(bytes: Uint8Array): number {
  return native ? native(bytes) : crc32Portable(bytes);
}

/** {@link crc32} in JavaScript alone (what runs where Node's zlib is not at hand). */
export function crc32Portable(bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = 0xffffffff;
  let i = 0;
  // bytes up to a 4-byte boundary, then pairs of aligned little-endian words, then the rest
  for (; i < bytes.length && (bytes.byteOffset + i) % 4 !== 0; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  const aligned = (bytes.byteOffset + i) % 4 === 0; // not when the bytes ran out first
  const words = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset + i, Math.floor((bytes.length - i) / 8) * 2) : new Uint32Array(0);
  for (let k = 0; k < words.length; k += 2) {
    const lo = c ^ words[k];
    const hi = words[k + 1];
    c =
      t7[lo & 0xff] ^
      t6[(lo >>> 8) & 0xff] ^
      t5[(lo >>> 16) & 0xff] ^
      t4[lo >>> 24] ^
      t3[hi & 0xff] ^
      t2[(hi >>> 8) & 0xff] ^
      t1[(hi >>> 16) & 0xff] ^
      t0[hi >>> 24];
  }
  for (i += words.length * 4; i < bytes.length; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
