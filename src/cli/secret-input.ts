import { CliExit } from './cli-exit';
import { readInputFile } from './input-files';

const MAX_SECRET_BYTES = 64 * 1024;

/** One trailing line break is what `echo` or an editor adds, never part of the password. */
export function withoutTrailingLineBreak(text: string): string {
  return text.replace(/\r?\n$/, '');
}

export async function readSecretFile(option: string, file: string): Promise<string> {
  return withoutTrailingLineBreak((await readInputFile(option, file)).toString('utf8'));
}

/** Everything piped in, up to EOF. */
async function readPiped(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_SECRET_BYTES) throw new Error(`more than ${MAX_SECRET_BYTES} bytes on standard input`);
    chunks.push(bytes);
  }
  return withoutTrailingLineBreak(Buffer.concat(chunks).toString('utf8'));
}

/** Typed at a terminal with echo off, so the password never shows on screen. Ctrl+C gives up. */
function readTyped(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = (error?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed.join(''));
    };
    const onData = (chunk: Buffer | string): void => {
      for (const character of chunk.toString()) {
        if (character === '\r' || character === '\n' || character === '\u0004') return finish();
        if (character === '\u0003') return finish(new CliExit(130));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed.push(character);
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}

/** `--password-stdin`: piped (`< file`, `| secret-tool ...`) or typed without echo at a terminal. */
export function readSecretStdin(prompt: string): Promise<string> {
  return process.stdin.isTTY ? readTyped(process.stdin, prompt) : readPiped(process.stdin);
}
