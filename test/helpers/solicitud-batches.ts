import type { Client } from 'pg';
import type * as soap from 'soap';
import type { Corpus } from '../../src/sat-simulator/corpus';
import { passesWithin } from './eventually';
import { FINAL_ESTADOS, storedUuids, type TipoSolicitud } from './solicitud-checks';

/*
 * The load tests' batch: many two-day solicitudes registered at once, waited for together, and each
 * compared with the documents the simulator's corpus holds for its window.
 */

const DAY_MS = 86_400_000;

export interface Window {
  readonly start: Date;
  readonly tipo: TipoSolicitud;
  /** The UUIDs the corpus holds as issued by the RFC in the window, sorted. */
  readonly expected: string[];
}

/**
 * `count` two-day windows from `firstDay` (a UTC midnight, in ms) that hold documents issued by `rfc`;
 * `tipoOf` gets the number of windows found so far.
 */
export function twoDayWindows(
  corpus: Corpus,
  rfc: string,
  firstDay: number,
  count: number,
  tipoOf: (index: number) => TipoSolicitud,
): Window[] {
  const windows: Window[] = [];
  for (let day = firstDay; windows.length < count; day += 2 * DAY_MS) {
    // 06:00 UTC is midnight in Mexico City (no DST since 2022).
    const start = new Date(day + 6 * 3_600_000);
    const expected = [...corpus.documents(rfc, 'cfdi', start, new Date(start.getTime() + 2 * DAY_MS))]
      .filter((document) => document.rfcEmisor === rfc)
      .map((document) => document.uuid)
      .sort();
    if (expected.length > 0) windows.push({ start, tipo: tipoOf(windows.length), expected });
  }
  return windows;
}

/** Registers one Emitidos solicitud per window (each must be Registrada); their ids, in order. */
export async function registerWindows(
  client: soap.Client,
  rfc: string,
  windows: readonly Window[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const window of windows) {
    const day = window.start.toISOString().slice(0, 10);
    const last = new Date(window.start.getTime() + DAY_MS).toISOString().slice(0, 10);
    const [answer] = await client.RegistrarSolicitudAsync({
      Rfc: rfc,
      FechaInicial: `${day}T00:00:00`,
      FechaFinal: `${last}T23:59:59`,
      Contexto: 'Emitidos',
      TipoSolicitud: window.tipo,
    });
    const [registered] = [].concat(answer.Resultados.Resultado) as { IdSolicitud: string; Estado: string }[];
    expect(registered?.Estado).toBe('Registrada');
    ids.push(registered?.IdSolicitud as string);
  }
  return ids;
}

/** How many of the solicitudes are not final yet. */
export async function countOpen(pg: Client, ids: readonly string[]): Promise<number> {
  const { rows } = await pg.query<{ open: number }>(
    'SELECT count(*)::int AS open FROM solicitudes WHERE id = ANY($1) AND NOT (estado = ANY($2))',
    [ids, FINAL_ESTADOS],
  );
  return rows[0]?.open ?? -1;
}

/**
 * Waits until none of the solicitudes is open, running `eachRound` before every look. Time running out
 * is not reported here: the caller's assertion on `statesOf` says which did not finish, and why.
 */
export async function untilAllFinal(
  pg: Client,
  ids: readonly string[],
  timeoutMs: number,
  eachRound: () => Promise<void> = async () => undefined,
): Promise<void> {
  const allFinal = async (): Promise<boolean> => {
    await eachRound();
    return (await countOpen(pg, ids)) === 0;
  };
  await passesWithin(allFinal, { timeoutMs, intervalMs: 1000 });
}

/** The solicitudes grouped by estado, code and message, so that a failure says why one did not complete. */
export async function statesOf(
  pg: Client,
  ids: readonly string[],
): Promise<{ estado: string; codigo: string | null; mensaje: string | null; total: number }[]> {
  const { rows } = await pg.query<{
    estado: string;
    codigo: string | null;
    mensaje: string | null;
    total: number;
  }>(
    `SELECT estado, codigo, mensaje, count(*)::int AS total FROM solicitudes
      WHERE id = ANY($1) GROUP BY estado, codigo, mensaje`,
    [ids],
  );
  return rows;
}

/** Each solicitud stored exactly the documents of its window. */
export async function expectWindowsStored(
  pg: Client,
  ids: readonly string[],
  windows: readonly Window[],
  options: { distinct?: boolean } = {},
): Promise<void> {
  for (const [index, id] of ids.entries()) {
    const window = windows[index] as Window;
    const uuids = await storedUuids(pg, id, window.tipo, options);
    expect({ id, uuids }).toEqual({ id, uuids: window.expected });
  }
}
