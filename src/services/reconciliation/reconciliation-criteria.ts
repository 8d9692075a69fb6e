import { RECONCILIATION_CLASSES, type ReconciliationClass, type ReconciliationContexto } from '../../db';
import { ValidationError, generalErrors, invalidField, solicitudesErrors } from '../../errors';
import { RFC_PATTERN } from '../../sat';
import { fromMexicoWallClockField } from '../periods/mexico-time';

/** ConsultarConciliacion's input (and the web page's), as strings from the client. */
export interface ReconciliationCriteria {
  readonly rfc?: string;
  /** Mexico City wall clock `yyyy-MM-ddTHH:mm:ss`; both ends inclusive to the second, like SAT's. */
  readonly fechaInicial?: string;
  readonly fechaFinal?: string;
  /** Emitidos, Recibidos or Ambos (the default). */
  readonly contexto?: string;
  /** The classes whose rows are listed; the differences (every class but ConXml) by default. */
  readonly clases?: readonly string[];
  readonly pagina?: number;
  readonly tamanoPagina?: number;
}

/** The criteria, checked: what the queries run with. */
export interface ParsedReconciliation {
  readonly rfc: string;
  readonly contexto: ReconciliationContexto;
  readonly start: Date;
  /** Exclusive: FechaFinal plus one second. */
  readonly end: Date;
  readonly clases: readonly ReconciliationClass[];
  readonly pagina: number;
  readonly tamanoPagina: number;
}

/** What is worth a look: everything except documents that are in order. */
export const DIFFERENCE_CLASSES: readonly ReconciliationClass[] = RECONCILIATION_CLASSES.filter(
  (clase) => clase !== 'ConXml',
);
const CONTEXTOS: readonly ReconciliationContexto[] = ['Emitidos', 'Recibidos', 'Ambos'];
export const DEFAULT_PAGE_SIZE = 50;

function required(field: string, value: string | undefined): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new ValidationError(generalErrors.fieldRequired, { params: { field } });
  return trimmed;
}

/** Case-insensitive match against a closed list, answering with the list's spelling. */
function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!found) throw invalidField(field, `use ${allowed.join(' | ')}`);
  return found;
}

/** Validates the criteria; each mistake names the contract's field. */
export function parseReconciliation(criteria: ReconciliationCriteria): ParsedReconciliation {
  const rfcText = required('Rfc', criteria.rfc);
  const rfc = rfcText.toUpperCase();
  if (!RFC_PATTERN.test(rfc))
    throw new ValidationError(solicitudesErrors.rfcInvalid, {
      params: { field: 'Rfc', value: rfcText },
    });
  const inicialText = required('FechaInicial', criteria.fechaInicial);
  const finalText = required('FechaFinal', criteria.fechaFinal);
  const start = fromMexicoWallClockField('FechaInicial', inicialText);
  const final = fromMexicoWallClockField('FechaFinal', finalText);
  if (final.getTime() <= start.getTime())
    throw new ValidationError(solicitudesErrors.periodInverted, {
      // `field` names FechaFinal in the Fault (Campo); the message does not use it.
      params: { fechaInicial: inicialText, fechaFinal: finalText, field: 'FechaFinal' },
    });
  const contextoText = criteria.contexto?.trim();
  const contexto = contextoText ? oneOf('Contexto', contextoText, CONTEXTOS) : 'Ambos';
  const clases =
    criteria.clases && criteria.clases.length > 0
      ? [...new Set(criteria.clases.map((clase) => oneOf('Clase', clase.trim(), RECONCILIATION_CLASSES)))]
      : DIFFERENCE_CLASSES;
  return {
    rfc,
    contexto,
    start,
    end: new Date(final.getTime() + 1000),
    clases,
    pagina: criteria.pagina ?? 1,
    tamanoPagina: criteria.tamanoPagina ?? DEFAULT_PAGE_SIZE,
  };
}
