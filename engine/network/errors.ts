/**
 * A bad network source or import option: names the file, where in it (line, element or field) and how to fix it.
 * The CLI prints the message and exits with code 2; nothing is written.
 */
export class NetworkInputError extends Error {
  constructor(
    readonly file: string,
    /** `line 12`, `way 42`, `column "lanes"`, ... ; empty when the whole file is concerned. */
    readonly where: string,
    readonly detail: string,
    readonly fix: string,
  ) {
    super(`${file}${where ? `: ${where}` : ''}: ${detail}. Fix: ${fix}`);
    this.name = 'NetworkInputError';
  }
}
