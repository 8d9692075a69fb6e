import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A machine credential of a tenant: username + secret for SOAP (WS-Security, HTTP Basic) and, for the
 * MYSuite contract, an optional Requestor GUID. Usernames are unique across tenants (case-insensitive).
 */
@Entity({ name: 'api_users' })
export class ApiUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  username!: string;

  /** `hashSecret` output (scrypt, salted); verifies PasswordText and HTTP Basic. */
  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  /**
   * Vault ciphertext of the same secret, only when PasswordDigest must be supported: a digest can only
   * be checked against the plain secret, which a one-way hash cannot give back.
   */
  @Column({ name: 'secret_ciphertext', type: 'bytea', nullable: true })
  secretCiphertext!: Buffer | null;

  /** `requestorLookupKey(guid)`: SHA-256 of the normalised Requestor GUID, unique. */
  @Column({ name: 'requestor_lookup', type: 'bytea', nullable: true })
  requestorLookup!: Buffer | null;

  /** Last 4 characters of the GUID, to tell credentials apart in listings without revealing them. */
  @Column({ name: 'requestor_hint', type: 'text', nullable: true })
  requestorHint!: string | null;

  @Column({ type: 'text', nullable: true })
  descripcion!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
