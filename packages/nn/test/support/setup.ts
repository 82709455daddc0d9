// The tensor package prints which backend it picked; the tests need not. Gradient checks and fixture
// comparisons run in float64, which only the reference backend stores; since the wasm backend
// (float32 and int32) became the default CPU backend, the tests choose the reference backend.
import { setBackend, setLogger } from '@setr-ts/tensor';

setLogger(() => {});
await setBackend('reference');
