/** Thrown by a command to end the process with a given exit code after printing its own message. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}

/** Prints one line about a bad argument (a file that cannot be read, say) and ends with code 2. */
export function usageFailure(message: string): CliExit {
  console.error(`descarga-masiva: ${message}`);
  return new CliExit(2);
}
