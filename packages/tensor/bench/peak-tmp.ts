import * as T from '../src/index.js';
T.setLogger(() => {});
const b = await T.setBackend('wasm');
await (b as any).whenReady();
const shapes: [number, number, number][] = [[1544, 512, 128], [1544, 128, 512], [1544, 128, 384], [12288, 576, 64]];
const out: string[] = [b.description];
for (const [m, k, n] of shapes) {
  const a = T.randn([m, k]); const w = T.randn([k, n]);
  for (let r = 0; r < 3; r++) T.tidy(() => T.matmul(a, w));
  const { profile } = T.profile(() => { for (let r = 0; r < 20; r++) T.tidy(() => T.matmul(a, w)); });
  const ms = profile.calls.map((c) => c.ms).sort((x, y) => x - y);
  out.push(`${m}x${k}x${n} ${(2 * m * k * n / ms[5] / 1e6).toFixed(1)}`);
  a.dispose(); w.dispose();
}
console.log(out.join(' | '));
