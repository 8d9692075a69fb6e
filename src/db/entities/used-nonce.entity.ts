import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A WS-Security nonce already seen; kept until the message's freshness window has passed. */
@Entity({ name: 'used_nonces' })
export class UsedNonce {
  @PrimaryColumn({ type: 'text' })
  nonce!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
