/**
 * The `setr` command line: a thin layer that turns arguments into library calls. Every command is a
 * {@link Command} in its own file; errors reach the user as one line and a non-zero exit status.
 */
import { bench } from './bench.js';
import { type Command, CommandExit, type Io } from './command.js';
import { configCommand } from './config.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { forward } from './forward.js';
import { importCommand } from './import.js';
import { params } from './params.js';
import { predict } from './predict.js';
import { train } from './train.js';

export const COMMANDS: Record<string, Command> = {
  train,
  eval: evalCommand,
  predict,
  export: exportCommand,
  import: importCommand,
  params,
  config: configCommand,
  forward,
  bench,
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return ['usage: setr <command> [flags]   (setr <command> --help for its flags)', '', ...lines].join('\n');
}

/**
 * Runs the command line `argv` (without node and the script) and returns the exit status: 0, 1
 * after printing one line `setr: <what went wrong>` to `io.error`, or a {@link CommandExit}'s (130
 * for a training run stopped by Ctrl-C, after its lines).
 * @example await runCli(['params', '--config', 'setr-tiny-pup', '--json'], console)
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.log(overview());
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new Error(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    if (rest.includes('--help') || rest.includes('-h')) io.log(command.help());
    else await command.run(rest, io);
    return 0;
  } catch (e) {
    if (e instanceof CommandExit) {
      for (const line of e.message.split('\n')) io.error(line);
      return e.status;
    }
    // one line, however the error was worded deeper down
    const message = (e as Error).message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
    io.error(`setr: ${message}`);
    return 1;
  }
}
