import type { DataSource } from 'typeorm';
import { findHeldXmlMonths, type HeldXmlMonth } from '../../db';
import { AppError } from '../../errors';
import { fromMexicoWallClock, toMexicoWallClock } from '../periods/mexico-time';
import type { RegistrationService } from '../solicitudes';

export interface StatusRecheckOptions {
  /** Whole months before the current one that are re-checked. */
  readonly months: number;
}

export interface StatusRecheckResult {
  /** RFC-months for which a metadata solicitud was registered (or found already registered today). */
  readonly registered: number;
  /** RFC-months refused by registration (an RFC without a valid e.firma, say), with the code. */
  readonly skipped: readonly { readonly month: HeldXmlMonth; readonly code: string }[];
}

/** `yyyy-MM` moved by `delta` months. */
function addMonths(month: string, delta: number): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function lastDay(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return String(new Date(Date.UTC(year, number, 0)).getUTCDate()).padStart(2, '0');
}

/**
 * Statuses change after the XML is downloaded (a cancellation can come months later), and the
 * reconciliation only knows what the last metadata download said. This registers, for every month
 * with XML held, a metadata solicitud of the sides held, forced (the ledger would otherwise say the
 * period is covered), so the next report sees cancellations. Metadata is what SAT lets one ask for
 * again; the XML is never requested anew.
 *
 * Each run's registrations carry a ReferenciaCliente naming the RFC, type, month and day of the run:
 * a run retried the same day finds its registrations instead of making new ones.
 */
export class StatusRecheck {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registration: RegistrationService,
    private readonly options: StatusRecheckOptions,
  ) {}

  async run(now: Date): Promise<StatusRecheckResult> {
    const today = toMexicoWallClock(now).slice(0, 10);
    const current = today.slice(0, 7);
    // Complete months only: the current one is still inside SAT's settlement of recent periods.
    const from = fromMexicoWallClock(`${addMonths(current, -this.options.months)}-01T00:00:00`);
    const to = fromMexicoWallClock(`${current}-01T00:00:00`);
    const months = await findHeldXmlMonths(this.dataSource, from, to);
    let registered = 0;
    const skipped: { month: HeldXmlMonth; code: string }[] = [];
    for (const month of months) {
      try {
        const results = await this.registration.register(
          { tenantId: month.tenantId, canal: 'system' },
          {
            rfc: month.rfc,
            fechaInicial: `${month.month}-01T00:00:00`,
            fechaFinal: `${month.month}-${lastDay(month.month)}T23:59:59`,
            contexto: month.emitidos && month.recibidos ? 'Ambos' : month.emitidos ? 'Emitidos' : 'Recibidos',
            tipoSolicitud: 'Metadata',
            tipoDocumento: month.tipoDocumento,
            forzar: true,
            referenciaCliente: `conciliacion:${month.rfc}:${month.tipoDocumento}:${month.month}:${today}`,
          },
        );
        // Registration answers some refusals (an RFC whose e.firma is gone) as a Rechazada result.
        const refused = results.find((result) => result.estado === 'Rechazada');
        if (refused) skipped.push({ month, code: refused.codigo ?? refused.estado });
        else registered += 1;
      } catch (error) {
        // One RFC's refusal must not stop the other RFCs' re-checks; a passing fault is retried.
        if (!(error instanceof AppError) || error.transient || error.kind === 'internal') throw error;
        skipped.push({ month, code: error.code });
      }
    }
    return { registered, skipped };
  }
}
