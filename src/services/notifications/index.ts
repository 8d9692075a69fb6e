export {
  FIEL_POR_VENCER,
  SOLICITUD_ESTADO,
  WEBHOOK_EVENTS,
  isWebhookEvent,
  parseEvents,
  type StoredEvent,
  type WebhookEvent,
} from './events';
export { generateWebhookSecret, signWebhook } from './signature';
export { normaliseWebhookUrl, originOf } from './webhook-url';
export {
  HttpWebhookPoster,
  type HttpPosterOptions,
  type PostOutcome,
  type WebhookPoster,
} from './http-poster';
export {
  WebhookService,
  webhookSecretContext,
  type AttemptSummary,
  type DeliverySummary,
  type RegisteredWebhook,
  type WebhookServiceOptions,
  type WebhookSummary,
} from './webhook-service';
export { DELIVER_JOB, WebhookNotifier, insertDeliveries } from './webhook-notifier';
export { WebhookDispatcher, type DispatcherOptions } from './webhook-dispatcher';
export { FielExpiryNotices, type FielExpiryNoticeOptions } from './fiel-expiry-notices';
export { findOverdueDeliveries } from './delivery-sweeper';
