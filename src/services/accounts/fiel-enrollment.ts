import { ValidationError, fielErrors } from '../../errors';
import { Fiel, type FielFiles } from '../../sat';
import type { FielVault } from '../secrets';

/** What an enrolled e.firma looks like from outside: public facts only, never key material. */
export interface EnrolledFiel {
  readonly contribuyenteId: string;
  readonly rfc: string;
  readonly nombre: string;
  readonly serial: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

/**
 * Takes an e.firma a user hands over (CLI, web upload, MYSuite's inline FielCer/FielKey/FielPass) and
 * checks it exactly as the SAT client will use it — pair, FIEL not CSD, dates, password — before it is
 * sealed in the vault, so a bad credential is refused at the door instead of failing a job later.
 */
export class FielEnrollment {
  constructor(
    private readonly vault: FielVault,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Stores the FIEL for its own RFC in the tenant, creating the contribuyente when new and replacing
   * an older FIEL otherwise. With `expectedRfc`, a FIEL of any other RFC is refused.
   */
  async enroll(tenantId: string, files: FielFiles, expectedRfc?: string): Promise<EnrolledFiel> {
    const fiel = Fiel.create(files, this.clock());
    const esperado = expectedRfc?.trim().toUpperCase();
    if (esperado !== undefined && fiel.rfc !== esperado) {
      throw new ValidationError(fielErrors.rfcMismatch, { params: { rfc: fiel.rfc, esperado } });
    }
    const contribuyenteId = await this.vault.store({
      tenantId,
      rfc: fiel.rfc,
      nombre: fiel.legalName || null,
      certificate: fiel.certificate.raw,
      privateKey: Buffer.from(files.privateKey),
      password: files.password,
      serial: fiel.serialNumber,
      validFrom: fiel.validFrom,
      validTo: fiel.validTo,
    });
    return {
      contribuyenteId,
      rfc: fiel.rfc,
      nombre: fiel.legalName,
      serial: fiel.serialNumber,
      validFrom: fiel.validFrom,
      validTo: fiel.validTo,
    };
  }
}
