import { existsSync } from 'node:fs';
import path from 'node:path';

/** The database the service uses inside the cluster (the `postgres` database stays for maintenance). */
export const EMBEDDED_DATABASE_NAME = 'descarga_masiva';

/** Where the embedded PostgreSQL cluster lives inside DATA_DIR. */
export function embeddedClusterDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pg');
}

/** Where releases before 0.2 kept their PGlite database. */
export function legacyPgliteDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pgdata');
}

/** A PGlite database not yet migrated (`migrate-embedded` moves it aside when done). */
export function holdsLegacyPglite(dataDir: string): boolean {
  return existsSync(path.join(legacyPgliteDir(dataDir), 'PG_VERSION'));
}
