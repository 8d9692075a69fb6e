import { SAT_ACCEPTED, SAT_TOKEN_REFUSED, isSatTroubleCode } from '../shared/status-codes';

const CERTIFICATE_REFUSALS = new Set(['301', '302', '303', '304', '305']);

/**
 * One of SAT's codes (a CodEstatus, or Verifica's CodigoEstadoSolicitud) by what it means, so that
 * code outside src/sat asks `isDailyLimit()` instead of knowing 5011. The meanings are SAT's
 * catalogue (status-codes.ts); which one applies to which operation is SAT's documentation.
 */
export class SatCode {
  readonly code: string;

  constructor(code: string | undefined) {
    this.code = code ?? '';
  }

  /** 5000: the call was accepted. */
  isAccepted(): boolean {
    return this.code === SAT_ACCEPTED;
  }

  /** No code at all (an answer that carried only an IdSolicitud). */
  isMissing(): boolean {
    return this.code === '';
  }

  /** 300: the token was refused. */
  isTokenRefused(): boolean {
    return this.code === SAT_TOKEN_REFUSED;
  }

  /** 404 or 5006: SAT could not do its job now; asking later may succeed. */
  isTryLater(): boolean {
    return isSatTroubleCode(this.code);
  }

  /** 301–305: the request, its signature or the certificate was refused. */
  isCertificateRefused(): boolean {
    return CERTIFICATE_REFUSALS.has(this.code);
  }

  /** 5001: the third party is not authorised. */
  isThirdPartyNotAuthorised(): boolean {
    return this.code === '5001';
  }

  /** 5002: these exact criteria were used up for life. */
  isLifetimeSpent(): boolean {
    return this.code === '5002';
  }

  /** 5003: more documents than one request may hold. */
  isTooLarge(): boolean {
    return this.code === '5003';
  }

  /** 5004: nothing found (no documents, no such IdSolicitud, no such package). */
  isNotFound(): boolean {
    return this.code === '5004';
  }

  /** 5005: an identical request is active. */
  isDuplicate(): boolean {
    return this.code === '5005';
  }

  /** 5007: the package is gone (packages live 72 hours). */
  isPackageExpired(): boolean {
    return this.code === '5007';
  }

  /** 5008: the package was downloaded as often as SAT allows. */
  isDownloadsExhausted(): boolean {
    return this.code === '5008';
  }

  /** 5011: the daily limit (per folio). */
  isDailyLimit(): boolean {
    return this.code === '5011';
  }

  /** 5012: the XML of cancelled documents cannot be downloaded. */
  isCancelledXml(): boolean {
    return this.code === '5012';
  }
}
