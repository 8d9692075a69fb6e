import type { MigrationInterface } from 'typeorm';
import { Accounts1732460000000 } from './1732460000000-accounts';
import { Solicitudes1732460001000 } from './1732460001000-solicitudes';
import { CfdiIndex1732460002000 } from './1732460002000-cfdi-index';
import { Operations1732460003000 } from './1732460003000-operations';
import { MetadataBulkLoad1732460004000 } from './1732460004000-metadata-bulk-load';
import { RegistroParametros1732460005000 } from './1732460005000-registro-parametros';
import { RfcCallSlots1732460006000 } from './1732460006000-rfc-call-slots';
import { WebhookAttempts1732460008000 } from './1732460008000-webhook-attempts';
import { SatHealthCustody1732460009000 } from './1732460009000-sat-health-custody';
import { QuotaPlanning1732460009300 } from './1732460009300-quota-planning';
import { SatBehaviour1732460009600 } from './1732460009600-sat-behaviour';
import { CfdiPagos1732460019700 } from './1732460019700-cfdi-pagos';
import { ReindexRuns1732460019800 } from './1732460019800-reindex-runs';
import { SolicitudesListIndex1732460020000 } from './1732460020000-solicitudes-list-index';
import { ApiUserChanges1732460021000 } from './1732460021000-api-user-changes';
import { SolicitudListCounts1732460022000 } from './1732460022000-solicitud-list-counts';
import { CfdiMetadataOneIndex1732460023000 } from './1732460023000-cfdi-metadata-one-index';

/**
 * Every migration, oldest first. An explicit list (no glob) so the compiled app, ts-jest and the CLI
 * all run exactly the same set. Append new migrations at the end; never edit an applied one.
 */
export const migrations: ReadonlyArray<new () => MigrationInterface> = [
  Accounts1732460000000,
  Solicitudes1732460001000,
  CfdiIndex1732460002000,
  Operations1732460003000,
  MetadataBulkLoad1732460004000,
  RegistroParametros1732460005000,
  RfcCallSlots1732460006000,
  WebhookAttempts1732460008000,
  SatHealthCustody1732460009000,
  QuotaPlanning1732460009300,
  SatBehaviour1732460009600,
  CfdiPagos1732460019700,
  ReindexRuns1732460019800,
  SolicitudesListIndex1732460020000,
  ApiUserChanges1732460021000,
  SolicitudListCounts1732460022000,
  CfdiMetadataOneIndex1732460023000,
];
