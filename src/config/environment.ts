import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';

/**
 * The process environment, completed with `<cwd>/.env` when that file exists. Real environment variables
 * win over the file, as in every twelve-factor tool; `process.env` itself is left untouched.
 */
export function readEnvironment(
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}
