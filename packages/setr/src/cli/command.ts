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
