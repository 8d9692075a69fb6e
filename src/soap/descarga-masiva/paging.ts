import type { SoapInput } from '../infra/soap-call-context';
import { integer, record, text } from '../shared/input';

/** Pagina and TamanoPagina as asked; the services apply the defaults and bounds. */
export function pageRequested(input: SoapInput): { pagina?: number; tamanoPagina?: number } {
  return {
    pagina: integer('Pagina', input.Pagina),
    tamanoPagina: integer('TamanoPagina', input.TamanoPagina),
  };
}

/** Orden only when it names a Campo; any Direccion other than DESC reads as ascending. */
export function orderRequested(input: SoapInput): { orden?: { campo: string; direccion: 'ASC' | 'DESC' } } {
  const orden = record(input.Orden);
  const campo = text(orden.Campo);
  return campo ? { orden: { campo, direccion: text(orden.Direccion) === 'DESC' ? 'DESC' : 'ASC' } } : {};
}

interface PageCounts {
  readonly total: number;
  readonly page: number;
  readonly totalPages: number;
}

/** The counts every paged answer carries after its rows, in the contract's order. */
export function pageTotals(page: PageCounts): Record<'Total' | 'Pagina' | 'TotalPaginas', number> {
  return { Total: page.total, Pagina: page.page, TotalPaginas: page.totalPages };
}
