import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A ReferenciaCliente makes registration idempotent only for the same request: the hash of the
 * normalised parameters tells a retry (same answer) from a reuse with other parameters (refused).
 */
export class RegistroParametros1732460005000 implements MigrationInterface {
  name = 'RegistroParametros1732460005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE registros ADD COLUMN parametros_hash text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE registros DROP COLUMN parametros_hash`);
  }
}
