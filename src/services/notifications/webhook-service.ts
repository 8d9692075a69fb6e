import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  isUuid,
  type WebhookAttemptResultado,
} from '../../db';
import { ConflictError, NotFoundError, generalErrors } from '../../errors';
import type { SecretBox } from '../secrets';
import { isWebhookEvent, parseEvents, type WebhookEvent } from './events';
import { generateWebhookSecret } from './signature';
import { normaliseWebhookUrl } from './webhook-url';

/** A webhook as lists show it: never its secret. */
export interface WebhookSummary {
  readonly id: string;
  readonly url: string;
  /** Subscribed events; empty means every event. */
  readonly eventos: readonly WebhookEvent[];
  readonly activo: boolean;
  readonly createdAt: Date;
}

/** A new webhook and its signing secret: the only moment the secret is ever shown. */
export interface RegisteredWebhook {
  readonly webhook: WebhookSummary;
  readonly secret: string;
}

export interface DeliverySummary {
  readonly id: string;
  readonly webhookId: string;
  readonly url: string;
  readonly evento: string;
  readonly estado: WebhookDelivery['estado'];
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly lastDurationMs: number | null;
  readonly createdAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly nextAttemptAt: Date | null;
  readonly deliveredAt: Date | null;
}

export interface AttemptSummary {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly resultado: WebhookAttemptResultado;
  readonly nextAttemptAt: Date | null;
}

export interface WebhookServiceOptions {
  /** Accept http:// receivers (`WEBHOOK_ALLOW_HTTP`). */
  readonly allowHttp: boolean;
  /** Webhooks per tenant; every event is posted to each, so this bounds the work one event makes. */
  readonly maxPerTenant?: number;
}

/** Binds the sealed secret to its tenant and webhook: a ciphertext copied to another row will not open. */
export function webhookSecretContext(tenantId: string, webhookId: string): string {
  return `webhooks:${tenantId}:${webhookId}:secret`;
}

function summaryOf(webhook: Webhook): WebhookSummary {
  return {
    id: webhook.id,
    url: webhook.url,
    eventos: webhook.eventos.filter(isWebhookEvent),
    activo: webhook.activo,
    createdAt: webhook.createdAt,
  };
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(generalErrors.notFound, { params: { entity: 'webhook', id } });
}

/**
 * A tenant's webhooks: registered with a random secret (shown once, kept sealed by the vault because
 * signing needs it back), listed, switched on and off, removed, and their delivery log. Every call is
 * scoped to one tenant; another tenant's id answers exactly like a missing one.
 */
export class WebhookService {
  private readonly maxPerTenant: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly options: WebhookServiceOptions,
  ) {
    this.maxPerTenant = options.maxPerTenant ?? 10;
  }

  async register(
    tenantId: string,
    input: { readonly url: string; readonly eventos?: readonly string[] },
  ): Promise<RegisteredWebhook> {
    const url = normaliseWebhookUrl(input.url, { allowHttp: this.options.allowHttp });
    const eventos = parseEvents(input.eventos ?? []);
    const repository = this.dataSource.getRepository(Webhook);
    if ((await repository.countBy({ tenantId })) >= this.maxPerTenant) {
      throw new ConflictError(generalErrors.webhookLimit, { params: { max: this.maxPerTenant } });
    }
    // The id is chosen here because the sealed secret is bound to it.
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const saved = await repository.save(
      repository.create({
        id,
        tenantId,
        url,
        eventos,
        activo: true,
        secretCiphertext: this.box.encrypt(secret, webhookSecretContext(tenantId, id)),
      }),
    );
    return { webhook: summaryOf(saved), secret };
  }

  async list(tenantId: string): Promise<WebhookSummary[]> {
    const rows = await this.dataSource
      .getRepository(Webhook)
      .find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(summaryOf);
  }

  /** Removes the webhook and its delivery log. */
  async remove(tenantId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw notFound(id);
    const result = await this.dataSource.getRepository(Webhook).delete({ tenantId, id });
    if (!result.affected) throw notFound(id);
  }

  /** A disabled webhook gets no new deliveries, and its pending ones are given up. */
  async setActive(tenantId: string, id: string, activo: boolean): Promise<WebhookSummary> {
    if (!isUuid(id)) throw notFound(id);
    return this.dataSource.transaction(async (manager) => {
      const webhook = await manager.getRepository(Webhook).findOneBy({ tenantId, id });
      if (!webhook) throw notFound(id);
      if (webhook.activo === activo) return summaryOf(webhook);
      webhook.activo = activo;
      await manager.save(webhook);
      if (!activo) {
        // Given up now rather than when each one's next attempt comes round, so the log says so at once.
        await manager.update(
          WebhookDelivery,
          { webhookId: id, estado: 'Pendiente' },
          { estado: 'Fallido', nextAttemptAt: null, lastError: 'webhook disabled before delivery' },
        );
      }
      return summaryOf(webhook);
    });
  }

  /** The latest deliveries of the tenant's webhooks, newest first. */
  async recentDeliveries(
    tenantId: string,
    options: { readonly limit?: number; readonly webhookId?: string } = {},
  ): Promise<DeliverySummary[]> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    if (options.webhookId !== undefined && !isUuid(options.webhookId)) return [];
    const query = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .innerJoin(Webhook, 'w', 'w.id = d.webhook_id')
      .addSelect('w.url', 'w_url')
      .where('w.tenant_id = :tenantId', { tenantId })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit);
    if (options.webhookId) query.andWhere('w.id = :webhookId', { webhookId: options.webhookId });
    const { entities, raw } = await query.getRawAndEntities<{ w_url: string }>();
    return entities.map((delivery, index) => ({
      id: delivery.id,
      webhookId: delivery.webhookId,
      url: raw[index]?.w_url ?? '',
      evento: delivery.evento,
      estado: delivery.estado,
      attempts: delivery.attempts,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      lastDurationMs: delivery.lastDurationMs,
      createdAt: delivery.createdAt,
      lastAttemptAt: delivery.lastAttemptAt,
      nextAttemptAt: delivery.nextAttemptAt,
      deliveredAt: delivery.deliveredAt,
    }));
  }

  /** The attempts of some of the tenant's deliveries, by delivery id, first first (others' ids: none). */
  async attemptsOf(
    tenantId: string,
    deliveryIds: readonly string[],
  ): Promise<ReadonlyMap<string, readonly AttemptSummary[]>> {
    const ids = deliveryIds.filter((id) => isUuid(id));
    const byDelivery = new Map<string, AttemptSummary[]>();
    if (ids.length === 0) return byDelivery;
    const rows = await this.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .createQueryBuilder('a')
      .innerJoin(WebhookDelivery, 'd', 'd.id = a.delivery_id')
      .innerJoin(Webhook, 'w', 'w.id = d.webhook_id')
      .where('w.tenant_id = :tenantId AND a.delivery_id IN (:...ids)', { tenantId, ids })
      .orderBy('a.delivery_id')
      .addOrderBy('a.attempt')
      .getMany();
    for (const row of rows) {
      const list = byDelivery.get(row.deliveryId) ?? [];
      list.push({
        attempt: row.attempt,
        startedAt: row.startedAt,
        durationMs: row.durationMs,
        statusCode: row.statusCode,
        error: row.error,
        resultado: row.resultado,
        nextAttemptAt: row.nextAttemptAt,
      });
      byDelivery.set(row.deliveryId, list);
    }
    return byDelivery;
  }
}
