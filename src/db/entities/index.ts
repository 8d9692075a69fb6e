import { ApiUser } from './api-user.entity';
import { AuditLog } from './audit-log.entity';
import { CfdiDocument } from './cfdi-document.entity';
import { CfdiMetadata } from './cfdi-metadata.entity';
import { CfdiPago } from './cfdi-pago.entity';
import { CfdiPagoDocumento } from './cfdi-pago-documento.entity';
import { Contribuyente } from './contribuyente.entity';
import { LedgerPeriodo } from './ledger-periodo.entity';
import { Paquete } from './paquete.entity';
import { Registro } from './registro.entity';
import { ReindexRun } from './reindex-run.entity';
import { ReindexRunPaquete } from './reindex-run-paquete.entity';
import { SatCallStat } from './sat-call-stat.entity';
import { SatCriteriaUsage } from './sat-criteria-usage.entity';
import { SatExchange } from './sat-exchange.entity';
import { SatRequest } from './sat-request.entity';
import { SatRfcSlot } from './sat-rfc-slot.entity';
import { SatToken } from './sat-token.entity';
import { Solicitud } from './solicitud.entity';
import { SolicitudEstado } from './solicitud-estado.entity';
import { Tenant } from './tenant.entity';
import { UsedNonce } from './used-nonce.entity';
import { WebSession } from './web-session.entity';
import { WebUser } from './web-user.entity';
import { Webhook } from './webhook.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';

export * from './api-user.entity';
export * from './audit-log.entity';
export * from './cfdi-document.entity';
export * from './cfdi-metadata.entity';
export * from './cfdi-pago.entity';
export * from './cfdi-pago-documento.entity';
export * from './contribuyente.entity';
export * from './ledger-periodo.entity';
export * from './paquete.entity';
export * from './registro.entity';
export * from './reindex-run.entity';
export * from './reindex-run-paquete.entity';
export * from './sat-call-stat.entity';
export * from './sat-criteria-usage.entity';
export * from './sat-exchange.entity';
export * from './sat-request.entity';
export * from './sat-rfc-slot.entity';
export * from './sat-token.entity';
export * from './solicitud.entity';
export * from './solicitud-estado.entity';
export * from './tenant.entity';
export * from './used-nonce.entity';
export * from './web-session.entity';
export * from './web-user.entity';
export * from './webhook.entity';
export * from './webhook-delivery.entity';
export * from './webhook-delivery-attempt.entity';
export { bigintAsNumber } from './transformers';
export { type InstantRange, parseTstzrange, toTstzrangeLiteral, tstzrangeTransformer } from './tstzrange';

/** Every entity, for the DataSource. */
export const entities = [
  Tenant,
  ApiUser,
  WebUser,
  WebSession,
  Contribuyente,
  UsedNonce,
  Registro,
  Solicitud,
  SolicitudEstado,
  SatRequest,
  Paquete,
  LedgerPeriodo,
  SatCriteriaUsage,
  SatToken,
  CfdiMetadata,
  CfdiDocument,
  CfdiPago,
  CfdiPagoDocumento,
  AuditLog,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  SatCallStat,
  SatExchange,
  SatRfcSlot,
  ReindexRun,
  ReindexRunPaquete,
] as const;
