import type { DataSource } from 'typeorm';
import { AppError, SatError, satErrors } from '../../errors';
import type { Logger } from '../../logging';
import type { PackageStore } from '../ports/package-store';
import { PackageVerifier, type RecordedPackage, type Verification } from './package-verifier';

export interface PackageCustodyOptions {
  readonly logger?: Logger;
  /** Told each verification that failed, by reason (`sha256`, `zip`), e.g. for metrics. */
  readonly onVerificationFailed?: (reason: 'sha256' | 'zip') => void;
  /** Where packages are copied to be checked (the system's temporary directory by default). */
  readonly scratchDirectory?: string;
}

/**
 * Custody of downloaded packages. SAT serves a package at most twice and only for 72 hours, so what
 * arrives is checked before the download is acknowledged (PackageVerifier), and identical content is
 * kept once per tenant: a package whose SHA-256 equals one the tenant already has in storage points
 * at that object (after checking it still holds those bytes) and its own copy is removed. Keys keep
 * their readable layout (`tenants/<tenant>/<RFC>/<year>/<solicitud>/<paquete>.zip`); the content index
 * is paquetes' own (tenant_id, sha256).
 */
export class PackageCustody {
  private readonly verifier: PackageVerifier;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PackageStore,
    private readonly options: PackageCustodyOptions = {},
  ) {
    this.verifier = new PackageVerifier(store, options.scratchDirectory);
  }

  /**
   * Verifies freshly stored bytes. On a mismatch or a damaged ZIP the copy is removed and the error
   * (transient: download again) thrown; a storage outage while reading back is thrown as it is, and
   * the copy kept, so the next attempt can verify it without spending SAT's second download.
   */
  async verifyOrDiscard(
    recorded: RecordedPackage,
    options: { acceptDamagedZip?: boolean } = {},
  ): Promise<Verification> {
    try {
      return await this.verifier.verify(recorded, options);
    } catch (error) {
      if (error instanceof SatError && this.isCustodyFailure(error)) {
        this.options.onVerificationFailed?.(error.code === satErrors.packageCorrupt.code ? 'zip' : 'sha256');
        this.options.logger?.warn('package failed verification; it will be downloaded again', {
          idPaquete: recorded.idPaquete,
          code: error.code,
          detail: error.messageEn,
        });
        await this.store.delete(recorded.objectKey).catch((deleteError: unknown) =>
          this.options.logger?.warn('unverified package copy not removed', {
            objectKey: recorded.objectKey,
            error: deleteError,
          }),
        );
      }
      throw error;
    }
  }

  /**
   * Bytes left in storage by an attempt that ended before they were acknowledged (a crash, a lost
   * database write): true when they verify, so they are acknowledged without asking SAT again.
   */
  async recover(recorded: RecordedPackage): Promise<boolean> {
    try {
      await this.verifier.verify(recorded);
      return true;
    } catch (error) {
      if (error instanceof AppError && !this.isCustodyFailure(error) && error.transient) throw error;
      return false;
    }
  }

  /**
   * The key this package's content should be recorded under: an older verified object of the same
   * tenant with the same SHA-256 and size when there is one (and then this copy is removed), else its own.
   */
  async deduplicate(paquete: {
    readonly id: string;
    readonly tenantId: string;
    readonly objectKey: string;
    readonly size: number;
    readonly sha256: string;
  }): Promise<string> {
    const twins = await this.dataSource.query<{ object_key: string }[]>(
      `SELECT object_key FROM paquetes
        WHERE sha256 = $1 AND tenant_id = $2 AND tamano = $3 AND stored_at IS NOT NULL
          AND id <> $4 AND object_key <> $5
        ORDER BY stored_at LIMIT 1`,
      [paquete.sha256, paquete.tenantId, paquete.size, paquete.id, paquete.objectKey],
    );
    const twin = twins[0]?.object_key;
    if (!twin) return paquete.objectKey;
    try {
      // The older copy must still hold these very bytes before this one is let go.
      const held = await this.verifier.hashOf(twin);
      if (held.sha256 !== paquete.sha256 || held.size !== paquete.size) return paquete.objectKey;
    } catch {
      return paquete.objectKey;
    }
    try {
      await this.store.delete(paquete.objectKey);
    } catch (error) {
      this.options.logger?.warn('duplicate package copy not removed', {
        objectKey: paquete.objectKey,
        error,
      });
    }
    return twin;
  }

  private isCustodyFailure(error: AppError): boolean {
    return (
      error.code === satErrors.packageCorrupt.code || error.code === satErrors.packageStoredMismatch.code
    );
  }
}
