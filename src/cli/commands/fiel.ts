import { Option, type Command } from 'commander';
import { NotFoundError, fielErrors } from '../../errors';
import {
  FIEL_EXPIRY_WARNING_DAYS,
  FielEnrollment,
  FielRoster,
  TenantService,
  type FielSummary,
} from '../../services/accounts';
import { FielVault } from '../../services/secrets';
import { readInputFile } from '../input-files';
import { readSecretFile, readSecretStdin } from '../secret-input';
import { withDatabase } from './database';
import { openSecretBox } from './secret-box';

interface AddOptions {
  tenant: string;
  cer: string;
  key: string;
  passwordFile?: string;
  passwordStdin?: boolean;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last column of `fiel list`: `!` marks what needs the operator's attention. */
function expiryNote(fiel: FielSummary): string {
  if (fiel.status === 'expired') return '! expired';
  if (fiel.status === 'expiring') return `! expires in under ${FIEL_EXPIRY_WARNING_DAYS} days`;
  return 'ok';
}

/**
 * The password comes from a file or standard input, never from an argument: arguments end up in shell
 * history and in `ps` for every user of the machine to read.
 */
async function passwordOf(options: AddOptions, command: Command): Promise<string> {
  if (options.passwordFile !== undefined) return readSecretFile('--password-file', options.passwordFile);
  if (options.passwordStdin) return readSecretStdin('Password of the private key: ');
  return command.error('error: give the key password with --password-file FILE or --password-stdin', {
    exitCode: 2,
    code: 'descarga-masiva.passwordMissing',
  });
}

function registerAdd(fiel: Command): void {
  fiel
    .command('add')
    .description('Validate an e.firma (pair, FIEL not CSD, dates, password) and store it encrypted')
    .requiredOption('--tenant <slug>', 'tenant the taxpayer belongs to')
    .requiredOption('--cer <file>', 'the certificate (.cer, DER or PEM)')
    .requiredOption('--key <file>', 'the private key (.key, DER or PEM)')
    .addOption(
      new Option(
        '--password-file <file>',
        'file holding the key password (one trailing newline ignored)',
      ).conflicts('passwordStdin'),
    )
    .addOption(new Option('--password-stdin', 'read the key password from standard input'))
    .action(async (options: AddOptions, command: Command) => {
      const certificate = await readInputFile('--cer', options.cer);
      const privateKey = await readInputFile('--key', options.key);
      const password = await passwordOf(options, command);
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const vault = new FielVault(database.dataSource, await openSecretBox(config));
        const enrolled = await new FielEnrollment(vault).enroll(tenant.id, {
          certificate,
          privateKey,
          password,
        });
        console.log(`e.firma (FIEL) of ${enrolled.rfc} stored in tenant ${tenant.slug}.`);
        console.log(`  Name:               ${enrolled.nombre}`);
        console.log(`  Certificate number: ${enrolled.serial}`);
        console.log(`  Valid from:         ${enrolled.validFrom.toISOString()}`);
        console.log(`  Valid to:           ${enrolled.validTo.toISOString()}`);
      });
    });
}

function registerList(fiel: Command): void {
  fiel
    .command('list')
    .description(
      `List the e.firmas of a tenant (never key material); "!" marks one expired or under ${FIEL_EXPIRY_WARNING_DAYS} days from expiry`,
    )
    .requiredOption('--tenant <slug>', 'tenant')
    .option('--json', 'print a JSON array instead of tab-separated lines', false)
    .action(async (options: { tenant: string; json: boolean }) => {
      await withDatabase({ migrate: true }, async (database) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const fiels = await new FielRoster(database.dataSource).list(tenant.id);
        if (options.json) {
          console.log(JSON.stringify(fiels, null, 2));
          return;
        }
        for (const item of fiels) {
          console.log(
            [
              item.rfc,
              item.nombre,
              item.serial,
              day(item.validFrom),
              day(item.validTo),
              `${item.daysToExpiry} days`,
              expiryNote(item),
            ].join('\t'),
          );
        }
      });
    });
}

function registerRemove(fiel: Command): void {
  fiel
    .command('remove')
    .description('Forget the e.firma of an RFC (its solicitudes and packages stay)')
    .requiredOption('--tenant <slug>', 'tenant')
    .requiredOption('--rfc <rfc>', 'RFC whose e.firma to remove')
    .action(async (options: { tenant: string; rfc: string }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const rfc = options.rfc.trim().toUpperCase();
        const vault = new FielVault(database.dataSource, await openSecretBox(config));
        if (!(await vault.remove(tenant.id, rfc)))
          throw new NotFoundError(fielErrors.notEnrolled, { params: { rfc } });
        console.log(`e.firma (FIEL) of ${rfc} removed from tenant ${tenant.slug}.`);
      });
    });
}

/** `fiel add|list|remove`: the taxpayers' e.firmas a tenant downloads with. */
export function registerFielCommand(program: Command): void {
  const fiel = program.command('fiel').description('Manage the e.firmas (FIEL) of a tenant');
  registerAdd(fiel);
  registerList(fiel);
  registerRemove(fiel);
}
