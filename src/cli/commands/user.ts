import type { Command } from 'commander';
import { ApiUserService, TenantService } from '../../services/accounts';
import { createSecretBox } from '../../services/secrets';
import { withDatabase } from './database';
import type { OpenDatabase } from '../../db';
import type { AppConfig } from '../../config';

async function apiUsers(database: OpenDatabase, config: AppConfig): Promise<ApiUserService> {
  const box = await createSecretBox({
    masterKey: config.masterKey,
    masterKeyPrevious: config.masterKeyPrevious,
    dataDir: config.dataDir,
    allowGenerate: config.database.url === undefined,
  });
  return new ApiUserService(database.dataSource, box);
}

/** `user create|list|revoke`: API users that ERPs authenticate as (SOAP and MYSuite Requestor). */
export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('Manage API users of a tenant');
  user
    .command('create <username>')
    .description('Create an API user; prints its secret and MYSuite Requestor GUID once')
    .requiredOption('--tenant <slug>', 'tenant the user belongs to')
    .option('--description <text>', 'what this credential is for')
    .action(async (username: string, options: { tenant: string; description?: string }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const created = await (
          await apiUsers(database, config)
        ).create(tenant.id, username, options.description ? { descripcion: options.description } : {});
        console.log(`API user ${created.user.username} created in tenant ${tenant.slug}.`);
        console.log(`  Secret (WS-Security / HTTP Basic password): ${created.secret}`);
        console.log(`  MYSuite Requestor GUID:                     ${created.requestor}`);
        console.log('Store them now: they are shown only once.');
      });
    });
  user
    .command('list')
    .description('List the API users of a tenant (never their secrets)')
    .requiredOption('--tenant <slug>', 'tenant')
    .action(async (options: { tenant: string }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        for (const item of await (await apiUsers(database, config)).list(tenant.id)) {
          const state = item.revokedAt ? `revoked ${item.revokedAt.toISOString()}` : 'active';
          console.log(
            `${item.username}\t${state}\trequestor …${item.requestorHint ?? ''}\t${item.descripcion ?? ''}`,
          );
        }
      });
    });
  user
    .command('revoke <username>')
    .description('Revoke an API user: its secret and Requestor GUID stop working at once')
    .action(async (username: string) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        await (await apiUsers(database, config)).revoke(username);
        console.log(`API user ${username} revoked.`);
      });
    });
}
