/** Output size of a convolution along one spatial dim: floor((in + 2·pad − dilation·(k − 1) − 1) / stride) + 1. */
export function convOutSize(inSize: number, k: number, stride: number, pad: number, dil: number): number {
  return Math.floor((inSize + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
}
