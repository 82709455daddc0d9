import { makeView, type Tensor } from '@setr-ts/tensor';

/**
 * A second reference to `t`: a view with the same layout. The tensor package counts the views of each
 * buffer, so the holder of this one can dispose it whenever it likes without affecting `t`'s owner;
 * the buffer is freed when the last view goes. The graph uses this for every tensor it keeps.
 */
export function share(t: Tensor): Tensor {
  return makeView(t, t.shape, t.strides, t.offset);
}
