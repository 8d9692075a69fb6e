import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A taxpayer (RFC) of a tenant and its FIEL. The certificate is public; the private key and its
 * password are stored only as vault ciphertext (`SecretBox`), tagged with the master key id that
 * sealed them so a rotation can find what is left to re-encrypt. FIEL columns are all set or all null.
 */
@Entity({ name: 'contribuyentes' })
export class Contribuyente {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  rfc!: string;

  @Column({ type: 'text', nullable: true })
  nombre!: string | null;

  /** DER bytes of the FIEL certificate (.cer). */
  @Column({ name: 'fiel_certificate', type: 'bytea', nullable: true })
  fielCertificate!: Buffer | null;

  @Column({ name: 'fiel_serial', type: 'text', nullable: true })
  fielSerial!: string | null;

  @Column({ name: 'fiel_valid_from', type: 'timestamptz', nullable: true })
  fielValidFrom!: Date | null;

  @Column({ name: 'fiel_valid_to', type: 'timestamptz', nullable: true })
  fielValidTo!: Date | null;

  @Column({ name: 'fiel_key_ciphertext', type: 'bytea', nullable: true })
  fielKeyCiphertext!: Buffer | null;

  @Column({ name: 'fiel_password_ciphertext', type: 'bytea', nullable: true })
  fielPasswordCiphertext!: Buffer | null;

  @Column({ name: 'fiel_master_key_id', type: 'text', nullable: true })
  fielMasterKeyId!: string | null;

  @Column({ name: 'fiel_updated_at', type: 'timestamptz', nullable: true })
  fielUpdatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
