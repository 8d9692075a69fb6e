import type { MigrationInterface, QueryRunner } from 'typeorm';

const GROUP = 'tenant_id, rfc, estado, contexto, tipo_solicitud, tipo_documento';

/**
 * The exact number of solicitudes per (tenant, RFC, state, contexto, kind, document type), kept by
 * triggers, so that a list page filtered on those fields only (what ERPs poll) reads its total from a
 * few rows instead of counting its matches (docs/decisions.md, "The list's total from kept counts").
 *
 * Writers only ever INSERT deltas (+n, -n): no row is updated, so no writer waits for another's lock
 * and two transactions moving solicitudes between the same groups cannot deadlock. A reader sums the
 * deltas of its groups in its own snapshot, so the total is exact for the rows the same statement
 * sees. A maintenance job folds each group's deltas into one row (`compactSolicitudListCounts`).
 * No foreign key: a tenant's cascaded delete writes negative deltas after the tenant is gone, and the
 * folding drops groups that sum to zero.
 */
export class SolicitudListCounts1732460022000 implements MigrationInterface {
  name = 'SolicitudListCounts1732460022000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE solicitud_list_counts (
        tenant_id uuid NOT NULL,
        rfc text NOT NULL,
        estado text NOT NULL,
        contexto text NOT NULL,
        tipo_solicitud text NOT NULL,
        tipo_documento text NOT NULL,
        delta integer NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX solicitud_list_counts_group_idx ON solicitud_list_counts (${GROUP}) INCLUDE (delta)`,
    );
    // Inserts and deletes per statement (a registration inserts several solicitudes at once); a
    // change of group per row, because most updates (progress) change no group and the WHEN
    // condition skips them without calling anything.
    await queryRunner.query(`
      CREATE FUNCTION solicitud_list_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO solicitud_list_counts (${GROUP}, delta)
          SELECT ${GROUP}, count(*) FROM added GROUP BY ${GROUP};
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION solicitud_list_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO solicitud_list_counts (${GROUP}, delta)
          SELECT ${GROUP}, -count(*) FROM removed GROUP BY ${GROUP};
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION solicitud_list_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO solicitud_list_counts (${GROUP}, delta) VALUES
          (OLD.tenant_id, OLD.rfc, OLD.estado, OLD.contexto, OLD.tipo_solicitud, OLD.tipo_documento, -1),
          (NEW.tenant_id, NEW.rfc, NEW.estado, NEW.contexto, NEW.tipo_solicitud, NEW.tipo_documento, 1);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION solicitud_list_counts_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- TRUNCATE, not DELETE: it waits for a folding in progress, whose new rows a DELETE begun
        -- before that folding commits would not see, and so would leave behind.
        TRUNCATE solicitud_list_counts;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER solicitud_list_counts_added AFTER INSERT ON solicitudes
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION solicitud_list_counts_added()`);
    await queryRunner.query(`
      CREATE TRIGGER solicitud_list_counts_removed AFTER DELETE ON solicitudes
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION solicitud_list_counts_removed()`);
    await queryRunner.query(`
      CREATE TRIGGER solicitud_list_counts_moved AFTER UPDATE ON solicitudes FOR EACH ROW
        WHEN ((OLD.tenant_id, OLD.rfc, OLD.estado, OLD.contexto, OLD.tipo_solicitud, OLD.tipo_documento)
          IS DISTINCT FROM (NEW.tenant_id, NEW.rfc, NEW.estado, NEW.contexto, NEW.tipo_solicitud, NEW.tipo_documento))
        EXECUTE FUNCTION solicitud_list_counts_moved()`);
    await queryRunner.query(`
      CREATE TRIGGER solicitud_list_counts_emptied AFTER TRUNCATE ON solicitudes
        FOR EACH STATEMENT EXECUTE FUNCTION solicitud_list_counts_emptied()`);
    // The triggers' lock on solicitudes holds writers back until this transaction commits, so the
    // counts below and the deltas after them cover every row exactly once.
    await queryRunner.query(
      `INSERT INTO solicitud_list_counts (${GROUP}, delta)
         SELECT ${GROUP}, count(*) FROM solicitudes GROUP BY ${GROUP}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER solicitud_list_counts_emptied ON solicitudes`);
    await queryRunner.query(`DROP TRIGGER solicitud_list_counts_moved ON solicitudes`);
    await queryRunner.query(`DROP TRIGGER solicitud_list_counts_removed ON solicitudes`);
    await queryRunner.query(`DROP TRIGGER solicitud_list_counts_added ON solicitudes`);
    await queryRunner.query(`DROP FUNCTION solicitud_list_counts_emptied()`);
    await queryRunner.query(`DROP FUNCTION solicitud_list_counts_moved()`);
    await queryRunner.query(`DROP FUNCTION solicitud_list_counts_removed()`);
    await queryRunner.query(`DROP FUNCTION solicitud_list_counts_added()`);
    await queryRunner.query(`DROP TABLE solicitud_list_counts`);
  }
}
