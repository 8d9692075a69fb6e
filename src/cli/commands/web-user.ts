import { Option, type Command } from 'commander';
import { TenantService } from '../../services/accounts';
import { WebUserService } from '../../services/web-access';
import { readSecretFile, readSecretStdin } from '../secret-input';
import { withDatabase } from './database';

interface CreateOptions {
  readonly tenant: string;
  readonly name?: string;
  readonly admin?: boolean;
  readonly passwordFile?: string;
  readonly passwordStdin?: boolean;
}

/** Never from an argument: arguments end up in shell history and in `ps`. */
async function passwordOf(options: CreateOptions, command: Command): Promise<string> {
  if (options.passwordFile !== undefined) return readSecretFile('--password-file', options.passwordFile);
  if (options.passwordStdin) return readSecretStdin('Password: ');
  return command.error('error: give the password with --password-file FILE or --password-stdin', {
    exitCode: 2,
    code: 'descarga-masiva.passwordMissing',
  });
}

/** `web-user create|list`: people who sign in to the web interface of a tenant. */
export function registerWebUserCommand(program: Command): void {
  const webUser = program.command('web-user').description('Manage people who sign in to the web interface');
  webUser
    .command('create <login>')
    .description('Create a web user (login: an e-mail or a plain name)')
    .requiredOption('--tenant <slug>', 'tenant the user belongs to')
    .option('--name <text>', 'name shown in the interface')
    .option('--admin', 'may manage e.firma and API users')
    .addOption(
      new Option(
        '--password-file <file>',
        'file holding the password (one trailing newline ignored)',
      ).conflicts('passwordStdin'),
    )
    .addOption(new Option('--password-stdin', 'read the password from standard input'))
    .action(async (login: string, options: CreateOptions, command: Command) => {
      const password = await passwordOf(options, command);
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const users = new WebUserService(database.dataSource, {
          maxFailures: config.web.loginMaxFailures,
          lockoutMinutes: config.web.lockoutMinutes,
        });
        const created = await users.create(tenant.id, login, password, {
          role: options.admin ? 'admin' : 'user',
          ...(options.name ? { nombre: options.name } : {}),
        });
        console.log(`Web user ${created.login} (${created.role}) created in tenant ${tenant.slug}.`);
      });
    });
  webUser
    .command('list')
    .description('List the web users of a tenant')
    .requiredOption('--tenant <slug>', 'tenant')
    .action(async (options: { tenant: string }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const users = new WebUserService(database.dataSource, {
          maxFailures: config.web.loginMaxFailures,
          lockoutMinutes: config.web.lockoutMinutes,
        });
        for (const user of await users.list(tenant.id)) {
          const locked = user.lockedUntil && user.lockedUntil > new Date() ? 'locked' : 'active';
          console.log(
            `${user.login}\t${user.role}\t${locked}\tlast sign-in ${user.lastLoginAt?.toISOString() ?? 'never'}\t${user.nombre ?? ''}`,
          );
        }
      });
    });
}
