/**
 * Bulk data for the SOAP API bench: `count` solicitudes of the demo tenant spread over ten RFCs, in the
 * shape the pipeline leaves them (columns of migrations/1732460001000-solicitudes.ts): every state, a
 * state history, one SAT request for each solicitud that reached SAT and one stored package for each
 * Completada. Written by `INSERT … SELECT generate_series` in one transaction, then vacuumed and analysed.
 */
import { Client } from 'pg';
import { DEMO } from '../../src/services/accounts';
import { canonicalFilters, filtersKey } from '../../src/services/solicitudes/ledger-key';

export interface SeededSolicitudes {
  readonly tenantId: string;
  readonly ids: readonly string[];
  readonly rfcs: readonly string[];
}

/** No filters beyond the period, as most registrations: stored and keyed as the registration would. */
const NO_FILTERS = { rfcContrapartes: [] };

export async function seedSolicitudes(databaseUrl: string, count: number): Promise<SeededSolicitudes> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tenant = await client.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [
      DEMO.tenant,
    ]);
    const tenantId = tenant.rows[0]?.id;
    if (!tenantId) throw new Error('the demo tenant is missing: is the application in simulator mode?');
    await client.query('BEGIN');
    // Nine more taxpayers (no FIEL: the bench never reaches SAT) beside the demo's EKU9003173C9.
    await client.query(
      `INSERT INTO contribuyentes (tenant_id, rfc, nombre)
       SELECT $1, 'BEN' || '9001' || lpad(n::text, 2, '0') || 'AB' || n, 'Contribuyente de prueba ' || n
       FROM generate_series(1, 9) AS n`,
      [tenantId],
    );
    // i = 0 is the newest: one registration every 10 minutes going back (~694 days for 100,000). RFC,
    // contexto, tipos and estado are drawn independently (seeded, so every run has the same data): a
    // tenth per RFC, half per contexto, 65 % Completada and 5 % in each other estado.
    await client.query('SELECT setseed(0.6)');
    await client.query(
      `WITH c AS (
         SELECT id, rfc, (row_number() OVER (ORDER BY rfc) - 1)::int AS n FROM contribuyentes WHERE tenant_id = $1
       ), drawn AS (
         SELECT i, now() - i * interval '10 minutes' AS registered, floor(random() * 10)::int AS n,
           random() AS r_contexto, random() AS r_tipo, random() AS r_documento, floor(random() * 20)::int AS r_estado
         FROM generate_series(0, $2::int - 1) AS i
       ), s AS (
         SELECT drawn.*,
           COALESCE((ARRAY['Registrada','EnProceso','Descargando','SinDatos','Rechazada','Error','Vencida'])[r_estado + 1],
             'Completada') AS estado
         FROM drawn
       )
       INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento,
         fecha_inicial, fecha_final, filtros, filtros_key, referencia_cliente, estado, estado_sat, codigo,
         mensaje, sat_cod_estatus, sat_mensaje, numero_cfdis, paquetes_total, paquetes_almacenados,
         created_at, updated_at, started_at, finished_at)
       SELECT $1, c.id, c.rfc,
         CASE WHEN s.r_contexto < 0.5 THEN 'Emitidos' ELSE 'Recibidos' END,
         CASE WHEN s.r_tipo < 0.3 THEN 'Metadata' ELSE 'CFDI' END,
         CASE WHEN s.r_documento < 0.1 THEN 'Retenciones' ELSE 'CFDI' END,
         date_trunc('day', s.registered) - interval '31 days', date_trunc('day', s.registered) - interval '1 day',
         $4::jsonb, $3, 'bench-' || s.i, s.estado,
         CASE s.estado WHEN 'EnProceso' THEN 'EnProceso' WHEN 'Descargando' THEN 'Terminada' END,
         CASE s.estado WHEN 'Rechazada' THEN 'DM-5002' WHEN 'Error' THEN 'DM-5001' WHEN 'Vencida' THEN 'DM-5004' END,
         CASE WHEN s.estado IN ('Rechazada', 'Error', 'Vencida') THEN 'Terminó sin paquetes' END,
         CASE WHEN s.estado <> 'Registrada' THEN '5000' END,
         CASE WHEN s.estado <> 'Registrada' THEN 'Solicitud Aceptada' END,
         CASE s.estado WHEN 'Completada' THEN 1 + s.i % 5000 WHEN 'SinDatos' THEN 0 END,
         CASE WHEN s.estado IN ('Completada', 'Descargando') THEN 1 ELSE 0 END,
         CASE WHEN s.estado = 'Completada' THEN 1 ELSE 0 END,
         s.registered, s.registered + interval '5 minutes',
         CASE WHEN s.estado <> 'Registrada' THEN s.registered + interval '1 second' END,
         CASE WHEN s.estado IN ('Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida')
           THEN s.registered + interval '5 minutes' END
       FROM s JOIN c ON c.n = s.n`,
      [tenantId, count, filtersKey(NO_FILTERS), JSON.stringify(canonicalFilters(NO_FILTERS))],
    );
    await client.query(
      `INSERT INTO solicitud_estados (solicitud_id, estado, at)
       SELECT id, 'Registrada', created_at FROM solicitudes WHERE tenant_id = $1
       UNION ALL
       SELECT id, estado, updated_at FROM solicitudes WHERE tenant_id = $1 AND estado <> 'Registrada'`,
      [tenantId],
    );
    await client.query(
      `INSERT INTO sat_requests (solicitud_id, periodo_inicio, periodo_fin, id_solicitud_sat, estado, cod_estatus,
         mensaje, numero_cfdis, attempts, verify_attempts, requested_at, last_checked_at, finished_at, created_at,
         updated_at)
       SELECT id, fecha_inicial, fecha_final, gen_random_uuid()::text,
         CASE WHEN finished_at IS NULL THEN 'EnProceso' ELSE 'Terminada' END, '5000', 'Solicitud Aceptada',
         numero_cfdis, 1, 3, started_at, updated_at, finished_at, started_at, updated_at
       FROM solicitudes WHERE tenant_id = $1 AND estado <> 'Registrada'`,
      [tenantId],
    );
    await client.query(
      `INSERT INTO paquetes (tenant_id, solicitud_id, sat_request_id, id_paquete, estado, object_key, tamano, sha256,
         sat_download_count, stored_at, indexed_at, created_at, updated_at)
       SELECT s.tenant_id, s.id, r.id, r.id_solicitud_sat || '_01', 'Indexado', 'paquetes/' || s.id || '.zip',
         4096 + s.numero_cfdis * 100, encode(sha256(s.id::text::bytea), 'hex'), 1, s.finished_at, s.finished_at,
         s.finished_at, s.finished_at
       FROM solicitudes s JOIN sat_requests r ON r.solicitud_id = s.id
       WHERE s.tenant_id = $1 AND s.estado = 'Completada'`,
      [tenantId],
    );
    await client.query('COMMIT');
    // What autovacuum would have done by the time a real table held this much: statistics and the
    // visibility map (index-only scans for the counts).
    await client.query(
      'VACUUM (ANALYZE) solicitudes, solicitud_estados, sat_requests, paquetes, contribuyentes',
    );
    const ids = await client.query<{ id: string }>('SELECT id FROM solicitudes WHERE tenant_id = $1', [
      tenantId,
    ]);
    const rfcs = await client.query<{ rfc: string }>(
      'SELECT rfc FROM contribuyentes WHERE tenant_id = $1 ORDER BY rfc',
      [tenantId],
    );
    return { tenantId, ids: ids.rows.map((row) => row.id), rfcs: rfcs.rows.map((row) => row.rfc) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
