import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One busy SAT call slot of an RFC (see RfcCallSlots): held by `holder` until `expiresAt` unless renewed. */
@Entity({ name: 'sat_rfc_slots' })
export class SatRfcSlot {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  rfc!: string;

  @PrimaryColumn({ type: 'integer' })
  slot!: number;

  @Column({ type: 'text' })
  holder!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
