import { Paquete, Solicitud } from '../../db';
import { SatError, satErrors } from '../../errors';
import { packageObjectKey } from '../../storage';
import type { PackageCustody } from '../custody';
import type { StepKit } from './pipeline-context';
import { nextSatDay } from './sat-day';

export const INDEXAR_JOB = 'indexar';

/** SAT serves each package at most this many times (then 5008). */
const SAT_DOWNLOADS_PER_PACKAGE = 2;

/** Verification failures that discard the stored copy: the package must be downloaded again. */
const CUSTODY_FAILURES = new Set([satErrors.packageCorrupt.code, satErrors.packageStoredMismatch.code]);

export interface DescargarOptions {
  /** Told the size of every package once it is durably stored, e.g. for metrics. */
  readonly onPackageStored?: (bytes: number) => void;
}

/**
 * Streams one package from SAT (PeticionDescargaMasivaTercerosEntrada) straight into storage, size
 * and SHA-256 recorded as it passes, and acknowledges it only once it is stored and verified.
 */
export class DescargarStep {
  constructor(
    private readonly kit: StepKit,
    private readonly custody: PackageCustody,
    private readonly options: DescargarOptions,
  ) {}

  async run(paqueteId: string): Promise<Date | void> {
    const paquete = await this.kit.dataSource.getRepository(Paquete).findOneBy({ id: paqueteId });
    // Stored and acknowledged by a run that died before it asked for the indexing: ask now, rather
    // than leave it to the sweeper a minute or two later (indexing the same package twice is harmless).
    if (paquete?.estado === 'Almacenado') {
      await this.kit.deps.jobs.enqueue(INDEXAR_JOB, paquete.id);
      return;
    }
    if (!paquete || (paquete.estado !== 'Pendiente' && paquete.estado !== 'Descargando')) return;
    // Waiting for SAT's next day: a job woken early (the sweeper, a restart) goes back to sleep.
    if (paquete.nextAttemptAt && paquete.nextAttemptAt.getTime() > this.kit.now().getTime())
      return paquete.nextAttemptAt;
    const solicitud = await this.kit.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ id: paquete.solicitudId });
    return this.kit.withRfcSlot(solicitud, () =>
      this.kit.scoped(solicitud, paquete.satRequestId, () => this.download(paquete, solicitud)),
    );
  }

  private async download(paquete: Paquete, solicitud: Solicitud): Promise<Date | void> {
    const repository = this.kit.dataSource.getRepository(Paquete);
    // An earlier attempt stored the bytes and died before acknowledging them: verified, they spare
    // SAT's second (and last) download of this package.
    if (paquete.objectKey && paquete.sha256 && paquete.tamano !== null && !paquete.storedAt) {
      const recorded = {
        idPaquete: paquete.idPaquete,
        objectKey: paquete.objectKey,
        size: paquete.tamano,
        sha256: paquete.sha256,
      };
      if (await this.custody.recover(recorded)) {
        await this.acknowledge(paquete, solicitud, recorded, undefined);
        return;
      }
      await repository.update({ id: paquete.id }, { objectKey: null, tamano: null, sha256: null });
    }
    await repository.update({ id: paquete.id }, { estado: 'Descargando', nextAttemptAt: null });
    await repository.increment({ id: paquete.id }, 'satDownloadCount', 1);
    const failed = async (failure: { codigo: string; mensaje: string }, estado = 'Error' as const) => {
      await repository.update({ id: paquete.id }, { estado, ...failure });
      await this.kit.progress(solicitud.id);
    };
    const decided = await this.kit.unlessPermanent(async () => {
      const credential = await this.kit.credentialFor(solicitud);
      return this.kit.decideCall(
        'descargar',
        { credential, tipoDocumento: solicitud.tipoDocumento },
        () => this.kit.deps.sat.download(credential, solicitud.tipoDocumento, paquete.idPaquete),
        (answer) => ({
          step: 'descargar',
          answer: { codEstatus: answer.codEstatus, paquete: answer.paquete !== undefined },
        }),
        { pastHorizon: false, reissues: 0 },
        (answer) => answer.paquete?.destroy(),
      );
    }, failed);
    if (!decided) return;
    const { decision, result: answer, error } = decided;
    if (decision.kind !== 'store' || !answer?.paquete) {
      answer?.paquete?.destroy();
      switch (decision.kind) {
        case 'retry':
          throw this.kit.retryError(decision, error, answer);
        case 'next-sat-day': {
          const nextAttemptAt = nextSatDay(this.kit.now(), Math.random());
          await repository.update(
            { id: paquete.id },
            {
              estado: 'Pendiente',
              nextAttemptAt,
              codigo: answer?.codEstatus ?? null,
              mensaje: `Límite diario del SAT; se descarga el siguiente día del SAT.`,
            },
          );
          return nextAttemptAt;
        }
        case 'fail': {
          const failure = this.kit.failureRecord(decision, error, answer);
          await repository.update(
            { id: paquete.id },
            {
              estado: decision.estado === 'Vencido' ? 'Vencido' : 'Error',
              codigo: failure.codigo,
              mensaje: failure.mensaje,
            },
          );
          await this.kit.progress(solicitud.id);
          return;
        }
        default:
          throw new Error(`decision ${decision.kind} does not apply to a package download`);
      }
    }
    await this.store(paquete, solicitud, answer.paquete);
  }

  private async store(
    paquete: Paquete,
    solicitud: Solicitud,
    bytes: NonNullable<Awaited<ReturnType<StepKit['deps']['sat']['download']>>['paquete']>,
  ): Promise<void> {
    const repository = this.kit.dataSource.getRepository(Paquete);
    const key = packageObjectKey({
      tenantId: solicitud.tenantId,
      rfc: solicitud.rfc,
      year: (solicitud.fechaInicial ?? solicitud.createdAt).getUTCFullYear(),
      solicitudId: solicitud.id,
      paqueteId: paquete.idPaquete,
    });
    const stored = await this.kit.deps.store.put(key, bytes, { contentType: 'application/zip' });
    this.options.onPackageStored?.(stored.size);
    const recorded = {
      idPaquete: paquete.idPaquete,
      objectKey: key,
      size: stored.size,
      sha256: stored.sha256,
    };
    // Written before the check, still unacknowledged (no storedAt): if this run dies now, the next
    // one verifies these bytes instead of downloading again.
    await repository.update(
      { id: paquete.id },
      { objectKey: key, tamano: stored.size, sha256: stored.sha256 },
    );
    let verification;
    try {
      // SAT's last download of a package: a damaged ZIP is still kept (and said so), as nothing better
      // will come; before that, damage means downloading again.
      verification = await this.custody.verifyOrDiscard(recorded, {
        acceptDamagedZip: paquete.satDownloadCount + 1 >= SAT_DOWNLOADS_PER_PACKAGE,
      });
    } catch (error) {
      // Damaged or mis-stored bytes were removed: forget them, so the retry downloads again. Anything
      // else (storage not answering while reading back) keeps them for the retry to verify.
      if (error instanceof SatError && CUSTODY_FAILURES.has(error.code)) {
        await repository.update({ id: paquete.id }, { objectKey: null, tamano: null, sha256: null });
      }
      throw error;
    }
    await this.acknowledge(paquete, solicitud, recorded, verification.zipProblem);
  }

  /**
   * The package is stored and verified: only now is it Almacenado (FechaAlmacenado), recorded under
   * the key of identical content the tenant already has, if any, and sent to be indexed.
   */
  private async acknowledge(
    paquete: Paquete,
    solicitud: Solicitud,
    recorded: { objectKey: string; size: number; sha256: string },
    zipProblem: string | undefined,
  ): Promise<void> {
    const objectKey = await this.custody.deduplicate({
      id: paquete.id,
      tenantId: paquete.tenantId,
      objectKey: recorded.objectKey,
      size: recorded.size,
      sha256: recorded.sha256,
    });
    await this.kit.dataSource.getRepository(Paquete).update(
      { id: paquete.id },
      {
        estado: 'Almacenado',
        objectKey,
        tamano: recorded.size,
        sha256: recorded.sha256,
        storedAt: this.kit.now(),
        ...(zipProblem ? { mensaje: zipProblem } : {}),
      },
    );
    await this.kit.progress(solicitud.id);
    await this.kit.deps.jobs.enqueue(INDEXAR_JOB, paquete.id);
  }
}
