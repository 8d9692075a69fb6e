import { estadoSolicitudName, type EstadoSolicitudSat } from '../../shared/status-codes';
import { SatCode } from '../sat-code';

export interface VerifyTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  readonly estadoSolicitud: number;
  readonly codigoEstadoSolicitud: string | undefined;
  readonly numeroCfdis: number;
  readonly paquetes: string[];
  /** Always 200: any other status is thrown. */
  readonly httpStatus: number;
}

/**
 * VerificaSolicitudDescarga's answer (or the fields of it a caller kept) read for what it means: the
 * call's own code, the request's state (EstadoSolicitud) and SAT's code for that state.
 */
export class VerifyResult {
  /** CodEstatus: whether SAT answered about the request at all. */
  readonly status: SatCode;
  /** CodigoEstadoSolicitud: why the request is where it is (5003 too large, 5004 nothing found, …). */
  readonly codigoEstado: SatCode;
  readonly estado: EstadoSolicitudSat;

  constructor(answer: Pick<VerifyTranslation, 'codEstatus' | 'estadoSolicitud' | 'codigoEstadoSolicitud'>) {
    this.status = new SatCode(answer.codEstatus);
    this.codigoEstado = new SatCode(answer.codigoEstadoSolicitud);
    this.estado = estadoSolicitudName(answer.estadoSolicitud);
  }

  /** Aceptada or EnProceso: SAT is still preparing the packages. */
  isRunning(): boolean {
    return this.estado === 'Aceptada' || this.estado === 'EnProceso';
  }

  /** Terminada: the packages are ready. */
  isFinished(): boolean {
    return this.estado === 'Terminada';
  }

  isFailed(): boolean {
    return this.estado === 'Error';
  }

  isRejected(): boolean {
    return this.estado === 'Rechazada';
  }

  /** Vencida: the packages expired before they were downloaded. */
  isExpired(): boolean {
    return this.estado === 'Vencida';
  }
}
