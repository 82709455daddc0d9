/** What every `setr` sub-command is: a summary line, its help text, and a function of its arguments. */

/** Where a command writes: results to `log` (stdout), diagnostics to `error` (stderr). */
export interface Io {
  log(message: string): void;
  error(message: string): void;
}

export interface Command {
  readonly summary: string;
  help(): string;
  /** Runs with the arguments after the command name (`--help` never reaches it); throws an Error whose message is the one line the user sees. */
  run(argv: string[], io: Io): Promise<void>;
}

/**
 * How a command ends with another exit status than 0 or 1 without having failed: `runCli` prints the
 * message's lines to stderr as they are and exits with `status` (130 for a run stopped by Ctrl-C, as a
 * shell reports a process that SIGINT ended).
 * @example throw new CommandExit(130, 'interrupted after step 37\nresume with: setr train --resume runs/x');
 */
export class CommandExit extends Error {
  constructor(
    /** The exit status. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
