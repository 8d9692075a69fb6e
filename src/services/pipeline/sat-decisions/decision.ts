import type { DecisionContext, SatObservation, SatStep } from './observation';

/** Our codes for outcomes SAT did not name itself (the catalogue holds their messages). */
export const DECISION_ERROR_CODES = Object.freeze({
  /** SAT refused a token it had just issued. */
  tokenRefusedTwice: 'DM-5007',
  /** The part was asked again MAX_REISSUES times and still did not deliver. */
  reissuesExhausted: 'DM-5008',
  /** Autentica refused the e.firma. */
  authenticationRefused: 'DM-5003',
  /** An HTTP 4xx that no retry or new token can change. */
  httpRefused: 'DM-5004',
  /** SAT no longer knows the operation: the client is outdated. */
  operationNotSupported: 'DM-5005',
  /** A SAT code this table does not know. */
  unknownSatCode: 'DM-5009',
});

/** A part that does not deliver is asked again at most this many times before it is given up. */
export const MAX_REISSUES = 3;

export type FinalEstado = 'Rechazada' | 'Error' | 'Vencida' | 'Vencido';

export type SatDecision =
  /** Solicitar: SAT took the request; keep its IdSolicitud and poll it. */
  | { readonly kind: 'accepted' }
  /** Verificar: still running; ask again later (growing intervals). */
  | { readonly kind: 'poll' }
  /** Verificar: finished with packages; download each. */
  | { readonly kind: 'download' }
  /** Descargar: the package is in the answer; store it. */
  | { readonly kind: 'store' }
  /** No documents match: the part ends SinDatos. */
  | { readonly kind: 'no-data' }
  /** Too many documents for one request: the period is halved. */
  | { readonly kind: 'split' }
  /** The same call again later with backoff; `errorCode` names the reason when it is ours. */
  | { readonly kind: 'retry'; readonly errorCode?: string }
  /** A fresh Autentica, then the same call once more in this run. */
  | { readonly kind: 'reauthenticate' }
  /**
   * Solicitar: SAT may have accepted without our hearing it. Recorded before anything else; then the
   * part is asked again one second wider, never as it was (that could spend SAT's second request on
   * the same criteria blindly, or meet 5005 from the lost one).
   */
  | { readonly kind: 'outcome-unknown' }
  /**
   * Solicitar: SAT will not take these exact criteria again (5002), or holds an identical request we
   * cannot follow (5005 with no IdSolicitud). Asked again over a period one second wider.
   */
  | { readonly kind: 'spent' }
  /** The request will not deliver: the part is asked again as a new request. */
  | { readonly kind: 'reissue' }
  /** SAT's per-day limit: the same call after 00:00 Mexico City of the next day. */
  | { readonly kind: 'next-sat-day' }
  /**
   * The part (or the package) ends. `errorCode` is ours when SAT gave no code of its own; otherwise
   * SAT's CodEstatus and message are what the client sees.
   */
  | { readonly kind: 'fail'; readonly estado: FinalEstado; readonly errorCode?: string };

export interface DecisionRow {
  /** Stable name, quoted in logs and docs. */
  readonly id: string;
  readonly step: SatStep | 'any';
  /** SAT's answer, in words. */
  readonly when: string;
  readonly decision: SatDecision;
  /** Where the behaviour is documented or reported. */
  readonly reference: string;
  readonly matches: (observation: SatObservation, context: DecisionContext) => boolean;
}

/** Where rows' behaviour is documented or reported. */
export const SAT_SOL = 'SAT, SolicitaDescarga v1.5 (CodEstatus table)';
export const SAT_VER = 'SAT, VerificaSolicitudDescarga v1.5';
export const SAT_DES = 'SAT, Descarga v1.5';
export const ISSUE_17 = 'issue 17 (reports of phpcfdi, nodecfdi, python-cfdiclient, satcfdi users)';
