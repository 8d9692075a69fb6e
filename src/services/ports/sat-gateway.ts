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
  /** 200, or the other status of an answer that still carried a result (SAT's 404 with an id). */
  readonly httpStatus?: number;
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
 * SAT as the pipeline needs it (implemented over the SAT client in main.ts). Every answer SAT gives is
 * returned; a call that got none throws a SatError whose `failure` and `operation` say what happened.
 * Nothing is decided here: the pipeline's decision table does that.
 */
export interface SatGateway {
  /** Forgets the token of this e.firma and flavour: the next call authenticates anew. */
  renewToken(credential: SatCredential, tipoDocumento: TipoDocumento): void;
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
