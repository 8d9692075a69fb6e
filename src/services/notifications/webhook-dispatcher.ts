import type { DataSource } from 'typeorm';
import { WebhookDelivery, WebhookDeliveryAttempt, type WebhookAttemptResultado } from '../../db';
import { AppError } from '../../errors';
import type { Logger } from '../../logging';
import type { SecretBox } from '../secrets';
import { backoffDelaySeconds } from '../solicitudes/backoff';
import type { PostOutcome, WebhookPoster } from './http-poster';
import { signWebhook } from './signature';
import { webhookSecretContext } from './webhook-service';
import { originOf } from './webhook-url';

export interface DispatcherOptions {
  /** POSTs of one delivery before it ends Fallido. */
  readonly maxAttempts: number;
  /** Wait after the first failure; doubles after each one (half of it random) up to the maximum. */
  readonly retryDelaySeconds: number;
  readonly maxRetryDelaySeconds: number;
  readonly clock?: () => Date;
  readonly random?: () => number;
}

interface DueDelivery {
  readonly id: string;
  readonly webhook_id: string;
  readonly evento: string;
  readonly payload: Record<string, unknown>;
  readonly estado: WebhookDelivery['estado'];
  readonly attempts: number;
  readonly next_attempt_at: Date | null;
  readonly tenant_id: string;
  readonly url: string;
  readonly secret_ciphertext: Buffer;
  readonly activo: boolean;
}

const USER_AGENT = 'descarga-masiva-webhooks/1';

/** A job may start a little before its date (clock skew between workers); that is not "early". */
const EARLY_TOLERANCE_MS = 1_000;

/**
 * Makes one attempt of one delivery per call (one Agenda job run): signs the body, POSTs it, logs the
 * attempt and either closes the delivery (Entregado, or Fallido after the last attempt) or returns
 * when to try again, which the job runner saves as the job's next run. The delivery row is the truth;
 * a run for a delivery that is closed, or not due yet, does nothing.
 */
export class WebhookDispatcher {
  private readonly clock: () => Date;
  private readonly random: () => number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly poster: WebhookPoster,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  async deliver(deliveryId: string): Promise<Date | void> {
    const [due] = await this.dataSource.query<DueDelivery[]>(
      `SELECT d.id, d.webhook_id, d.evento, d.payload, d.estado, d.attempts, d.next_attempt_at,
              w.tenant_id, w.url, w.secret_ciphertext, w.activo
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (!due || due.estado !== 'Pendiente') return;
    const now = this.clock();
    if (due.next_attempt_at && due.next_attempt_at.getTime() - now.getTime() > EARLY_TOLERANCE_MS) {
      return due.next_attempt_at;
    }
    if (!due.activo) {
      await this.dataSource
        .getRepository(WebhookDelivery)
        .update(
          { id: due.id, estado: 'Pendiente' },
          { estado: 'Fallido', nextAttemptAt: null, lastError: 'webhook disabled before delivery' },
        );
      return;
    }
    // Claims the attempt: a second run of the same delivery (a duplicated job) finds it taken.
    const attempt = due.attempts + 1;
    const claimed = await this.dataSource
      .getRepository(WebhookDelivery)
      .update(
        { id: due.id, estado: 'Pendiente', attempts: due.attempts },
        { attempts: attempt, lastAttemptAt: now },
      );
    if (!claimed.affected) return;

    const outcome = await this.post(due, attempt);
    return this.record(due, attempt, now, outcome);
  }

  private async post(due: DueDelivery, attempt: number): Promise<PostOutcome> {
    let secret: string;
    try {
      secret = this.box.decryptText(
        due.secret_ciphertext,
        webhookSecretContext(due.tenant_id, due.webhook_id),
      );
    } catch (error) {
      // A master key problem: counted as a failed attempt so the delivery still ends, and logged.
      const code = error instanceof AppError ? error.code : 'unknown';
      return { statusCode: null, error: `signing secret cannot be opened (${code})`, durationMs: 0 };
    }
    const body = JSON.stringify({ id: due.id, ...due.payload });
    const timestamp = Math.floor(this.clock().getTime() / 1000);
    return this.poster.post(due.url, body, {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': USER_AGENT,
      'X-DescargaMasiva-Event': due.evento,
      'X-DescargaMasiva-Delivery': due.id,
      'X-DescargaMasiva-Attempt': String(attempt),
      'X-DescargaMasiva-Timestamp': String(timestamp),
      'X-DescargaMasiva-Signature': signWebhook(secret, timestamp, body),
    });
  }

  private async record(
    due: DueDelivery,
    attempt: number,
    startedAt: Date,
    outcome: PostOutcome,
  ): Promise<Date | void> {
    const delivered = outcome.error === null;
    const last = !delivered && attempt >= this.options.maxAttempts;
    const resultado: WebhookAttemptResultado = delivered ? 'Entregado' : last ? 'Fallido' : 'Reintento';
    const finished = this.clock();
    const nextAttemptAt =
      resultado === 'Reintento'
        ? new Date(
            finished.getTime() +
              backoffDelaySeconds(
                attempt - 1,
                {
                  initialDelaySeconds: this.options.retryDelaySeconds,
                  maxDelaySeconds: this.options.maxRetryDelaySeconds,
                  jitter: 0.5,
                },
                this.random,
              ) *
                1000,
          )
        : null;
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(WebhookDeliveryAttempt, {
        deliveryId: due.id,
        attempt,
        startedAt,
        durationMs: outcome.durationMs,
        statusCode: outcome.statusCode,
        error: outcome.error,
        resultado,
        nextAttemptAt,
      });
      await manager.update(
        WebhookDelivery,
        { id: due.id },
        {
          estado: delivered ? 'Entregado' : last ? 'Fallido' : 'Pendiente',
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          lastDurationMs: outcome.durationMs,
          nextAttemptAt,
          ...(delivered ? { deliveredAt: finished } : {}),
        },
      );
    });
    const facts = {
      deliveryId: due.id,
      webhookId: due.webhook_id,
      tenantId: due.tenant_id,
      evento: due.evento,
      receiver: originOf(due.url),
      attempt,
      status: outcome.statusCode,
      ms: outcome.durationMs,
    };
    if (delivered) this.logger.info('webhook delivered', facts);
    else if (last) this.logger.warn('webhook delivery failed for good', { ...facts, error: outcome.error });
    else
      this.logger.info('webhook attempt failed; will retry', {
        ...facts,
        error: outcome.error,
        nextAttemptAt,
      });
    return nextAttemptAt ?? undefined;
  }
}
