import { readFile, stat } from 'node:fs/promises';
import { CliExit, usageFailure } from './cli-exit';

/** A certificate, key or password file is a few kilobytes; anything far larger is the wrong file. */
const MAX_INPUT_BYTES = 1024 * 1024;

function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The bytes of a file named by an option. A file that cannot be read is an operator's mistake, so it
 * ends the command as a usage error naming the option and the file.
 */
export async function readInputFile(option: string, file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (info.isFile() && info.size > MAX_INPUT_BYTES)
      throw usageFailure(`cannot read ${option} ${file}: larger than ${MAX_INPUT_BYTES} bytes`);
    return await readFile(file);
  } catch (error) {
    if (error instanceof CliExit) throw error;
    throw usageFailure(`cannot read ${option} ${file}: ${reasonOf(error)}`);
  }
}
