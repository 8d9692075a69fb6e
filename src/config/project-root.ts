import { existsSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The directory holding package.json, found by walking up from this file: the same answer whether the
 * code runs from src/ (tests, tsx) or from dist/src/ (npm start, the Docker image).
 */
export function projectRoot(): string {
  if (cached) return cached;
  let directory = __dirname;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`package.json not found above ${__dirname}`);
    directory = parent;
  }
  cached = directory;
  return directory;
}
