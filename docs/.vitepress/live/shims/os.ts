/** `node:os` for the page's programs: a temporary folder in the page's memory file system, and the cores. */
export const EOL = '\n';
export const tmpdir = () => '/tmp';
export const homedir = () => '/home/reader';
export const hostname = () => 'browser';
export const platform = () => 'browser';
export const type = () => 'Browser';
export const arch = () => 'wasm';
export const release = () => '';
export const availableParallelism = () => navigator.hardwareConcurrency || 1;
export const cpus = () => Array.from({ length: availableParallelism() }, () => ({ model: 'browser', speed: 0 }));
export const totalmem = () => 0;
export const freemem = () => 0;
export default { EOL, tmpdir, homedir, hostname, platform, type, arch, release, availableParallelism, cpus, totalmem, freemem };
