import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A web session kept in Postgres so any process can serve any request. */
@Entity({ name: 'web_sessions' })
export class WebSession {
  /** A hash of the cookie value, never the value itself. */
  @PrimaryColumn({ type: 'text' })
  sid!: string;

  @Column({ name: 'web_user_id', type: 'uuid', nullable: true })
  webUserId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  data!: Record<string, unknown>;

  @Column({ name: 'csrf_secret', type: 'text', nullable: true })
  csrfSecret!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
