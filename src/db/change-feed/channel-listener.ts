import { Client, type ClientConfig } from 'pg';

export type ChannelEvent =
  | { readonly kind: 'listening'; readonly channel: string }
  | { readonly kind: 'lost'; readonly channel: string; readonly error?: unknown; readonly retryInMs: number };

export interface ChannelListenerHandlers {
  /** LISTEN is in place: from now on every committed change is announced. */
  readonly onListening: () => void;
  readonly onNotification: () => void;
  /** The connection failed or ended: changes may go unannounced until `onListening` again. */
  readonly onLost: () => void;
  readonly onEvent?: (event: ChannelEvent) => void;
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One dedicated connection (not from the pool: a pooled one is handed to other work) that LISTENs on
 * a Postgres channel, and reconnects with a growing pause when it fails. Notifications arrive once
 * the notifying transaction commits, from any process: the API, workers, the CLI, a manual UPDATE.
 */
export class ChannelListener {
  private client?: Client;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly handlers: ChannelListenerHandlers,
  ) {
    if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
  }

  /** Resolves after the first attempt, listening or not (a failed one is retried in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.handlers.onLost();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ ...this.config, keepAlive: true });
    let lost = false;
    const lose = (error?: unknown): void => {
      if (lost || this.closed) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      this.handlers.onLost();
      this.handlers.onEvent?.({ kind: 'lost', channel: this.channel, error, retryInMs: this.retryMs });
      client.end().catch(() => undefined);
      this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryTimer.unref();
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    };
    client.on('error', lose);
    client.on('end', () => lose());
    client.on('notification', (message) => {
      if (message.channel === this.channel && !lost) this.handlers.onNotification();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      lose(error);
      return;
    }
    if (lost) return;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    this.handlers.onListening();
    this.handlers.onEvent?.({ kind: 'listening', channel: this.channel });
  }
}
