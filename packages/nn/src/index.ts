/**
 * @setr-ts/nn — the building blocks of a network, with PyTorch's names and semantics so that weights
 * move between this project and PyTorch/timm unchanged. See the package README for a tour.
 */
export { writeFileAtomic } from './io/atomic-write.js';
export { type LoadOptions, loadSafetensors, readSafetensors, saveSafetensors } from './io/safetensors.js';
export {
  bfloat16ToFloat,
  decodeSafetensors,
  encodeSafetensors,
  halfToFloat,
  MAX_HEADER_BYTES,
  type SafetensorsContents,
  type TensorRecord,
} from './io/safetensors-format.js';
