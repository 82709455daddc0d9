/**
 * The functional namespace, PyTorch's `torch.nn.functional`: every layer's computation as a function
 * of variables, with no state. Layers (see ../layers) hold parameters and call these. Ops that the
 * autograd package already provides under the same name are re-exported from it.
 */
export { conv2d, gelu, interpolate, layerNorm, logSoftmax, pad, relu, softmax } from '@setr-ts/autograd';
export { type AttentionOptions, attend, scaledDotProductAttention } from './attention.js';
export { type BatchNormOptions, type BatchNormResult, batchNorm } from './batch-norm.js';
export { type CrossEntropyOptions, crossEntropy } from './cross-entropy.js';
export { dropout, dropPath } from './dropout.js';
export { linear } from './linear.js';
