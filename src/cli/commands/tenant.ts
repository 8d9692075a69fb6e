import { InvalidArgumentError, type Command } from 'commander';
import { TenantService } from '../../services/accounts';
import { SatTrail } from '../../services/sat-trail';
import { withDatabase } from './database';

function onOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidArgumentError('on or off');
}

/** `tenant create|list|set`: the cuentas every other record belongs to. */
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
  tenant
    .command('set <slug>')
    .description('Change a tenant setting')
    .requiredOption(
      '--sat-trail <on|off>',
      'keep every SAT request/answer of its solicitudes (secrets and packages elided) for SAT_TRAIL_RETENTION_DAYS',
      onOff,
    )
    .action(async (slug: string, options: { satTrail: boolean }) => {
      await withDatabase({ migrate: true }, async (database) => {
        const found = await new TenantService(database.dataSource).get(slug);
        // Retention only matters when writing; the switch itself needs none.
        await new SatTrail(database.dataSource, { retentionDays: 1 }).setEnabled(found.id, options.satTrail);
        console.log(`Tenant ${found.slug}: SAT trail ${options.satTrail ? 'on' : 'off'}.`);
      });
    });
}
