import type { Readable } from 'node:stream';
import type { TimeRange } from '../periods/time-range';
import type { Contexto, FiltrosSolicitud, TipoDocumento, TipoSolicitud } from '../solicitudes/domain';

/** The taxpayer's e.firma, decrypted from the vault for the duration of one call. */
export interface SatCredential {
  readonly rfc: string;
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly password: string;
}

export interface SatQuery {
  readonly tipoDocumento: TipoDocumento;
  readonly contexto: Contexto;
  readonly tipoSolicitud: TipoSolicitud;
  /** Half-open; the gateway turns it into SAT's inclusive FechaInicial/FechaFinal. Absent for a Folio. */
  readonly periodo: TimeRange | undefined;
  readonly filtros: FiltrosSolicitud;
}

/** SAT's answer to one call: its own code and message, whatever they are. */
export interface SatAnswer {
  readonly codEstatus: string;
  readonly mensaje: string;
}

export interface SatQueryOutcome extends SatAnswer {
  readonly idSolicitud: string | undefined;
}

export interface SatVerifyOutcome extends SatAnswer {
  /** 1 Aceptada, 2 EnProceso, 3 Terminada, 4 Error, 5 Rechazada, 6 Vencida (0 when the call failed). */
  readonly estadoSolicitud: number;
  readonly codigoEstadoSolicitud: string | undefined;
  readonly numeroCfdis: number;
  readonly paquetes: readonly string[];
}

export interface SatDownloadOutcome extends SatAnswer {
  /** The ZIP bytes, streamed; absent when SAT refused. Must be consumed or destroyed. */
  readonly paquete: Readable | undefined;
}

/**
 * SAT as the pipeline needs it (implemented over the SAT client in main.ts). Network failures and
 * SAT's own "try later" answers are thrown as transient SatErrors; every other answer is returned.
 */
export interface SatGateway {
  query(credential: SatCredential, query: SatQuery): Promise<SatQueryOutcome>;
  verify(
    credential: SatCredential,
    tipoDocumento: TipoDocumento,
    idSolicitud: string,
  ): Promise<SatVerifyOutcome>;
  download(
    credential: SatCredential,
    tipoDocumento: TipoDocumento,
    idPaquete: string,
  ): Promise<SatDownloadOutcome>;
}
