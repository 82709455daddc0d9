/**
 * The part of the ZIP format (PKWARE's APPNOTE.TXT) that torch.save writes: an archive of *stored*
 * records (no compression) whose data start at multiples of 64 bytes. All numbers are little-endian.
 *
 *   for each record:  local file header (30 bytes) · name · extra field · data
 *                     [· data descriptor, when flag bit 3 is set: torch writes one after every record]
 *   central directory: one central header (46 bytes) · name · extra field, per record
 *   [ZIP64 end of central directory record (56 bytes) · ZIP64 locator (20 bytes)]   (torch: always)
 *   end of central directory record (22 bytes) · comment
 *
 * The local header:  signature 50 4B 03 04 · version needed (2) · flags (2) · method (2, 0 = stored) ·
 *                    time (2) · date (2) · CRC-32 (4) · compressed size (4) · size (4) · name length (2) ·
 *                    extra length (2)
 * The central header: signature 50 4B 01 02 · version made by (2) · the local header's fields from
 *                    "version needed" to "extra length" · comment length (2) · disk (2) · internal
 *                    attributes (2) · external attributes (4) · local header offset (4)
 * The end record:    signature 50 4B 05 06 · this disk (2) · the directory's disk (2) · records on this
 *                    disk (2) · records (2) · directory size (4) · directory offset (4) · comment length (2)
 *
 * ZIP64: a 32-bit field that does not fit holds 0xFFFFFFFF (a 16-bit count 0xFFFF), and the real value
 * is in a ZIP64 record: for a record's sizes and offset, the extra field with tag 0x0001 (size, then
 * compressed size, then offset, each present only if its field says 0xFFFFFFFF); for the directory, the
 * ZIP64 end record (signature 50 4B 06 06), found through the locator (50 4B 06 07) just before the end
 * record.
 *
 * torch's alignment: PyTorchStreamWriter pads each local header's extra field with a record tagged
 * 'FB' (0x4246) holding 'Z' bytes, so that the data start at a multiple of 64 (and a reader can map
 * tensors straight from the file). Name bit 11 of the flags says names are UTF-8.
 */

export const LOCAL_HEADER = 0x04034b50;
export const CENTRAL_HEADER = 0x02014b50;
export const END_RECORD = 0x06054b50;
export const ZIP64_END_RECORD = 0x06064b50;
export const ZIP64_LOCATOR = 0x07064b50;
export const DATA_DESCRIPTOR = 0x08074b50;

export const LOCAL_HEADER_BYTES = 30;
export const CENTRAL_HEADER_BYTES = 46;
export const END_RECORD_BYTES = 22;
export const ZIP64_END_RECORD_BYTES = 56;
export const ZIP64_LOCATOR_BYTES = 20;

/** The extra-field tags: ZIP64's sizes and offset, and torch's padding. */
export const ZIP64_EXTRA = 0x0001;
export const TORCH_PADDING_EXTRA = 0x4246; // 'FB'

/** A 32-bit field that says "see the ZIP64 record"; 16-bit counts use 0xFFFF. */
export const ZIP64_MARK_32 = 0xffffffff;
export const ZIP64_MARK_16 = 0xffff;

/** Flag bits: 0 encrypted, 3 sizes and CRC in a data descriptor after the data, 11 UTF-8 names. */
export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;

/** Version needed to extract: 2.0 for stored records, 4.5 for ZIP64. */
export const VERSION_STORED = 20;
export const VERSION_ZIP64 = 45;

/** Where torch aligns record data. */
export const TORCH_ALIGNMENT = 64;
