import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { ApiUser, Tenant, findTenantBySlug } from '../../db';
import { FielVault, type SecretBox } from '../secrets';
import { WebUserService } from '../web-access';
import { ApiUserService } from './api-user-service';

/** Demo credentials of simulator mode: a public contract (README, start-up banner, outside checks). */
export const DEMO = Object.freeze({
  tenant: 'demo',
  username: 'demo',
  password: 'demo',
  requestor: '11111111-2222-3333-4444-555555555555',
  rfc: 'EKU9003173C9',
});

export interface DemoFielFiles {
  /** Directory holding `EKU9003173C9.cer`, `.key` and `-password.txt` (the repository's fixtures/fake-fiel). */
  readonly directory: string;
}

/**
 * SAT prints certificate serials as the ASCII digits hidden in the certificate's hex serial
 * (3330…  → "30…"); certificates that are not SAT's keep their hex form.
 */
export function satSerialNumber(certificate: X509Certificate): string {
  const ascii = Buffer.from(certificate.serialNumber, 'hex').toString('latin1');
  return /^\d+$/.test(ascii) ? ascii : certificate.serialNumber;
}

/**
 * Makes sure the demo tenant of simulator mode exists: API user demo/demo with the demo Requestor GUID,
 * web user demo/demo (admin),
 * and the fake FIEL of EKU9003173C9 in the vault. Idempotent; never called in production mode.
 */
export async function ensureDemoTenant(
  dataSource: DataSource,
  box: SecretBox,
  files: DemoFielFiles,
): Promise<Tenant> {
  const tenant =
    (await findTenantBySlug(dataSource.manager, DEMO.tenant)) ??
    (await dataSource.getRepository(Tenant).save({ slug: DEMO.tenant, nombre: 'Cuenta de demostración' }));
  const existingUser = await dataSource.getRepository(ApiUser).findOneBy({ username: DEMO.username });
  if (!existingUser) {
    await new ApiUserService(dataSource, box).create(tenant.id, DEMO.username, {
      secret: DEMO.password,
      requestor: DEMO.requestor,
      descripcion: 'Usuario de demostración (solo modo simulador)',
    });
  }
  const webUsers = new WebUserService(dataSource, { maxFailures: 5, lockoutMinutes: 15 });
  if (!(await webUsers.findByLogin(DEMO.username))) {
    await webUsers.create(tenant.id, DEMO.username, DEMO.password, {
      nombre: 'Demostración',
      role: 'admin',
    });
  }
  const vault = new FielVault(dataSource, box);
  if (!(await vault.load(tenant.id, DEMO.rfc))) {
    const certificate = await readFile(path.join(files.directory, `${DEMO.rfc}.cer`));
    const x509 = new X509Certificate(certificate);
    await vault.store({
      tenantId: tenant.id,
      rfc: DEMO.rfc,
      certificate,
      privateKey: await readFile(path.join(files.directory, `${DEMO.rfc}.key`)),
      password: await readFile(path.join(files.directory, `${DEMO.rfc}-password.txt`), 'utf8'),
      serial: satSerialNumber(x509),
      validFrom: new Date(x509.validFrom),
      validTo: new Date(x509.validTo),
      nombre: 'ESCUELA KEMPER URGATE',
    });
  }
  return tenant;
}
