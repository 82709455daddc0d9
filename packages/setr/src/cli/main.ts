/** The `setr` executable: runs the command line and exits with its status. Diagnostics (such as the backend chosen) go to stderr. */
import { setLogger } from '@setr-ts/tensor';
import { runCli } from './run.js';

setLogger((m) => console.error(m));
process.exitCode = await runCli(process.argv.slice(2), { log: (m) => console.log(m), error: (m) => console.error(m) });
