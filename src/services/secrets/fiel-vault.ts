import type { DataSource } from 'typeorm';
import { Contribuyente } from '../../db';
import type { SecretBox } from './secret-box';

/** What the FIEL reader established about a credential (validated elsewhere, stored here). */
export interface FielToStore {
  readonly tenantId: string;
  readonly rfc: string;
  readonly nombre?: string | null;
  /** DER certificate (.cer). */
  readonly certificate: Buffer;
  /** The private key file (.key) bytes as uploaded: encrypted PKCS#8 DER. */
  readonly privateKey: Buffer;
  readonly password: string;
  readonly serial: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

export interface StoredFiel {
  readonly contribuyenteId: string;
  readonly rfc: string;
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly password: string;
  readonly serial: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

/** Binds each ciphertext to its tenant, RFC and column: a copy to another row will not open. */
function context(tenantId: string, rfc: string, column: 'fiel_key' | 'fiel_password'): string {
  return `contribuyentes:${tenantId}:${rfc}:${column}`;
}

/**
 * The encrypted FIEL vault over `contribuyentes`: the key and its password are sealed by the
 * SecretBox before they reach SQL and opened only when a SAT request is signed.
 */
export class FielVault {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** Creates the contribuyente when new; replaces its FIEL otherwise. Returns the contribuyente id. */
  async store(fiel: FielToStore): Promise<string> {
    const rfc = fiel.rfc.toUpperCase();
    const values = {
      fielCertificate: fiel.certificate,
      fielSerial: fiel.serial,
      fielValidFrom: fiel.validFrom,
      fielValidTo: fiel.validTo,
      fielKeyCiphertext: this.box.encrypt(fiel.privateKey, context(fiel.tenantId, rfc, 'fiel_key')),
      fielPasswordCiphertext: this.box.encrypt(fiel.password, context(fiel.tenantId, rfc, 'fiel_password')),
      fielMasterKeyId: this.box.currentKeyId,
      fielUpdatedAt: new Date(),
    };
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Contribuyente)
      .values({ tenantId: fiel.tenantId, rfc, nombre: fiel.nombre ?? null, ...values })
      .orUpdate(
        [
          'fiel_certificate',
          'fiel_serial',
          'fiel_valid_from',
          'fiel_valid_to',
          'fiel_key_ciphertext',
          'fiel_password_ciphertext',
          'fiel_master_key_id',
          'fiel_updated_at',
          'updated_at',
        ],
        ['tenant_id', 'rfc'],
      )
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    if (id === undefined) throw new Error('upsert of contribuyente returned no id');
    return id;
  }

  /** The FIEL of a tenant's RFC, opened; undefined when the RFC has none. */
  async load(tenantId: string, rfc: string): Promise<StoredFiel | undefined> {
    const row = await this.dataSource
      .getRepository(Contribuyente)
      .findOneBy({ tenantId, rfc: rfc.toUpperCase() });
    if (!row?.fielCertificate || !row.fielKeyCiphertext || !row.fielPasswordCiphertext) return undefined;
    return {
      contribuyenteId: row.id,
      rfc: row.rfc,
      certificate: row.fielCertificate,
      privateKey: this.box.decrypt(row.fielKeyCiphertext, context(tenantId, row.rfc, 'fiel_key')),
      password: this.box.decryptText(row.fielPasswordCiphertext, context(tenantId, row.rfc, 'fiel_password')),
      serial: row.fielSerial ?? '',
      validFrom: row.fielValidFrom ?? new Date(0),
      validTo: row.fielValidTo ?? new Date(0),
    };
  }

  /** Forgets the FIEL (the contribuyente and its history stay). Returns whether there was one. */
  async remove(tenantId: string, rfc: string): Promise<boolean> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `UPDATE contribuyentes SET fiel_certificate = NULL, fiel_serial = NULL, fiel_valid_from = NULL,
         fiel_valid_to = NULL, fiel_key_ciphertext = NULL, fiel_password_ciphertext = NULL,
         fiel_master_key_id = NULL, fiel_updated_at = now(), updated_at = now()
       WHERE tenant_id = $1 AND rfc = $2 AND fiel_certificate IS NOT NULL`,
      [tenantId, rfc.toUpperCase()],
    );
    return result[1] > 0;
  }
}
