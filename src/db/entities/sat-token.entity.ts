import { Column, Entity, PrimaryColumn } from 'typeorm';

/** SAT's short-lived token per RFC and service host, shared by every worker; vault ciphertext. */
@Entity({ name: 'sat_tokens' })
export class SatToken {
  @PrimaryColumn({ type: 'text' })
  rfc!: string;

  @PrimaryColumn({ type: 'text' })
  servicio!: 'CFDI' | 'Retenciones';

  @Column({ name: 'token_ciphertext', type: 'bytea' })
  tokenCiphertext!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
