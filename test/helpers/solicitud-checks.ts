import type { Client } from 'pg';
import type * as soap from 'soap';
import type { Corpus } from '../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../src/sat-simulator/mexico-time';
import { eventually } from './eventually';

/*
 * What the end-to-end pipeline tests ask again and again: register through SOAP, wait for a
 * solicitud to settle, and compare what was stored with what the simulator's corpus holds.
 */

export const FINAL_ESTADOS = ['Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'];

export type TipoSolicitud = 'CFDI' | 'Metadata';

interface Resultado {
  readonly IdSolicitud?: string;
  readonly Estado: string;
  readonly Codigo?: string;
  readonly Mensaje?: string;
}

/** RegistrarSolicitud with one combination; the results of the call. */
export async function registerSolicitud(
  client: soap.Client,
  request: Record<string, unknown>,
): Promise<Resultado[]> {
  const [answer] = await client.RegistrarSolicitudAsync(request);
  return ([] as Resultado[]).concat(answer.Resultados.Resultado);
}

/** Waits for the solicitud to reach a final estado; fails with where it stood when time runs out. */
export async function finalState(
  pg: Client,
  id: string,
  timeoutMs = 180_000,
): Promise<{ estado: string; codigo: string | null }> {
  return eventually(
    async () => {
      const { rows } = await pg.query<{ estado: string; codigo: string | null }>(
        'SELECT estado, codigo FROM solicitudes WHERE id = $1',
        [id],
      );
      const row = rows[0] ?? { estado: 'missing', codigo: null };
      if (!FINAL_ESTADOS.includes(row.estado)) throw new Error(`solicitud ${id} still ${row.estado}`);
      return row;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** Asks RecuperarSolicitud until the solicitud is final; its `Solicitud` as node-soap parsed it. */
export function finalSolicitud(
  client: soap.Client,
  id: string,
  { timeoutMs = 120_000, intervalMs = 300 } = {},
): Promise<Record<string, unknown> & { Estado: string }> {
  return eventually(
    async () => {
      const [answer] = await client.RecuperarSolicitudAsync({ IdSolicitud: id });
      const solicitud = answer.Solicitud as Record<string, unknown> & { Estado: string };
      if (!FINAL_ESTADOS.includes(String(solicitud.Estado)))
        throw new Error(`solicitud ${id} still ${String(solicitud.Estado)}`);
      return solicitud;
    },
    { timeoutMs, intervalMs },
  );
}

/** The UUIDs the corpus holds as issued by `rfc` between two Mexico City wall-clock times, inclusive. */
export function issuedUuids(corpus: Corpus, rfc: string, from: string, to: string): string[] {
  const start = fromMexicoTime(from) as Date;
  const end = new Date((fromMexicoTime(to) as Date).getTime() + 1000);
  return [...corpus.documents(rfc, 'cfdi', start, end)]
    .filter((document) => document.rfcEmisor === rfc)
    .map((document) => document.uuid)
    .sort();
}

/**
 * The UUIDs a solicitud stored and indexed (XML documents, or metadata rows). With `distinct: false`
 * a UUID indexed twice (a package stored twice) shows twice.
 */
export async function storedUuids(
  pg: Client,
  id: string,
  tipo: TipoSolicitud,
  { distinct = true }: { distinct?: boolean } = {},
): Promise<string[]> {
  const table = tipo === 'Metadata' ? 'cfdi_metadata' : 'cfdi_documents';
  const { rows } = await pg.query<{ uuid: string }>(
    `SELECT ${distinct ? 'DISTINCT ' : ''}upper(d.uuid::text) AS uuid FROM ${table} d
      JOIN paquetes p ON p.id = d.paquete_id WHERE p.solicitud_id = $1 ORDER BY 1`,
    [id],
  );
  return rows.map((row) => row.uuid);
}
