// The tensor package prints which backend it picked; the tests need not.
import { setLogger } from '@setr-ts/tensor';

setLogger(() => {});
