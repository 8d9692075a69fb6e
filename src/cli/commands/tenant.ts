import type { Command } from 'commander';
import { TenantService } from '../../services/accounts';
import { withDatabase } from './database';

/** `tenant create|list`: the cuentas every other record belongs to. */
export function registerTenantCommand(program: Command): void {
  const tenant = program.command('tenant').description('Manage tenants (cuentas)');
  tenant
    .command('create <slug>')
    .description('Create a tenant; <slug> is the short name other commands take with --tenant')
    .option('--name <nombre>', 'display name', '')
    .action(async (slug: string, options: { name: string }) => {
      await withDatabase({ migrate: true }, async (database) => {
        const created = await new TenantService(database.dataSource).create(slug, options.name);
        console.log(`Tenant ${created.slug} created (id ${created.id}).`);
      });
    });
  tenant
    .command('list')
    .description('List tenants')
    .action(async () => {
      await withDatabase({ migrate: true }, async (database) => {
        for (const item of await new TenantService(database.dataSource).list()) {
          console.log(`${item.slug}\t${item.id}\t${item.activo ? 'active' : 'inactive'}\t${item.nombre}`);
        }
      });
    });
}
