import { SatCode } from '../sat-code';

export interface QueryTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  readonly idSolicitud: string | undefined;
  /** 200, or the HTTP error status of an answer that still named its IdSolicitud. */
  readonly httpStatus: number;
}

/** SolicitaDescarga's answer (or the fields of it a caller kept) read for what it means. */
export class QueryResult {
  readonly status: SatCode;

  constructor(private readonly answer: Pick<QueryTranslation, 'codEstatus' | 'idSolicitud'>) {
    this.status = new SatCode(answer.codEstatus);
  }

  /** SAT named the request: the only way to follow it, whatever the code said. */
  hasIdSolicitud(): boolean {
    return this.answer.idSolicitud !== undefined;
  }
}
