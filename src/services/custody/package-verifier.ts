import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SatError, satErrors } from '../../errors';
import { checkZipIntegrity } from '../../sat';
import { HashingStream } from '../../storage';
import type { PackageStore } from '../ports/package-store';

/** What the download recorded of a package as it streamed into storage. */
export interface RecordedPackage {
  readonly idPaquete: string;
  readonly objectKey: string;
  readonly size: number;
  readonly sha256: string;
}

export interface Verification {
  /** The bytes in storage are the bytes received (always true when `verify` returns). */
  readonly intact: true;
  /** Set when the ZIP itself failed its CRC check but was kept anyway (`acceptDamagedZip`). */
  readonly zipProblem?: string;
}

/**
 * Reads a stored package back and checks it twice before anyone is told it is stored: its size and
 * SHA-256 must equal what was computed while it streamed in (storage kept what it was given), and
 * every ZIP entry must match its CRC-32 (SAT sent what it meant to). The copy goes through a scratch
 * file because ZIP entries are found from the end of the file.
 */
export class PackageVerifier {
  constructor(
    private readonly store: PackageStore,
    private readonly scratchDirectory: string = tmpdir(),
  ) {}

  async hashOf(objectKey: string): Promise<{ size: number; sha256: string }> {
    const hashing = new HashingStream();
    await pipeline(await this.store.get(objectKey), hashing, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) void chunk;
    });
    return { size: hashing.size, sha256: hashing.digest() };
  }

  /**
   * Throws DM-5102 when storage does not hold the recorded bytes, DM-5101 when the ZIP is damaged
   * (unless `acceptDamagedZip`: SAT will not serve it again, and damaged bytes beat none).
   */
  async verify(
    recorded: RecordedPackage,
    options: { acceptDamagedZip?: boolean } = {},
  ): Promise<Verification> {
    const directory = await mkdtemp(path.join(this.scratchDirectory, 'dm-custody-'));
    try {
      const file = path.join(directory, 'paquete.zip');
      const hashing = new HashingStream();
      await pipeline(await this.store.get(recorded.objectKey), hashing, createWriteStream(file));
      const sha256 = hashing.digest();
      if (hashing.size !== recorded.size || sha256 !== recorded.sha256) {
        throw new SatError(satErrors.packageStoredMismatch, {
          params: {
            idPaquete: recorded.idPaquete,
            detail: `stored ${hashing.size} bytes, SHA-256 ${sha256.slice(0, 12)}…; received ${recorded.size} bytes, SHA-256 ${recorded.sha256.slice(0, 12)}…`,
          },
        });
      }
      try {
        await checkZipIntegrity(file, recorded.idPaquete);
      } catch (error) {
        if (!options.acceptDamagedZip || !(error instanceof SatError)) throw error;
        return { intact: true, zipProblem: error.messageEs };
      }
      return { intact: true };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}
