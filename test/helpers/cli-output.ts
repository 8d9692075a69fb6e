import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { CliResult } from './cli';

/** A count from the summary a CLI command prints last (`  <label>: <n>`). */
export function summaryCount(output: CliResult | string, label: string): number {
  const { stdout, stderr } = typeof output === 'string' ? { stdout: output, stderr: undefined } : output;
  const match = new RegExp(`^\\s+${label}:\\s+(\\d+)`, 'm').exec(stdout);
  if (!match) {
    const shown = stderr === undefined ? stdout : `${stdout}\n${stderr}`;
    throw new Error(`no "${label}" in the summary:\n${shown}`);
  }
  return Number(match[1]);
}

/** Every file under `root`, relative, sorted (none when `root` does not exist). */
export function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

export function sha256OfFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** 00:00 of a day (YYYY-MM-DD) in Mexico City (UTC-6 since 2022). */
export function mexicoMidnight(day: string): Date {
  return new Date(`${day}T06:00:00Z`);
}
