import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed write to api_users is announced on the channel `api_users_changed`, whichever
 * process made it (the API, the CLI, an administrator's UPDATE): the API keeps active users in memory
 * and forgets them at each announcement, so a revoked user is refused as soon as the revocation commits
 * (src/db/change-feed). Per statement, as the listeners only need "something changed".
 */
export class ApiUserChanges1732460021000 implements MigrationInterface {
  name = 'ApiUserChanges1732460021000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION announce_api_user_changes() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('api_users_changed', '');
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER api_users_changed AFTER INSERT OR UPDATE OR DELETE ON api_users
         FOR EACH STATEMENT EXECUTE FUNCTION announce_api_user_changes()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER api_users_truncated AFTER TRUNCATE ON api_users
         FOR EACH STATEMENT EXECUTE FUNCTION announce_api_user_changes()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER api_users_truncated ON api_users`);
    await queryRunner.query(`DROP TRIGGER api_users_changed ON api_users`);
    await queryRunner.query(`DROP FUNCTION announce_api_user_changes()`);
  }
}
