import { createHash } from 'node:crypto';
import {
  Fiel,
  SatClient,
  endpointsAt,
  productionEndpoints,
  type SatServicio,
  type SatTransport,
  type SignedOperation,
} from '../../sat';
import { toMexicoWallClock } from '../periods/mexico-time';
import type {
  SatCredential,
  SatDownloadOutcome,
  SatGateway,
  SatQuery,
  SatQueryOutcome,
  SatVerifyOutcome,
} from '../ports/sat-gateway';
import type { TipoDocumento } from '../solicitudes/domain';

export interface SatClientGatewayOptions {
  readonly transport: SatTransport;
  /** `SAT_BASE_URL`: the simulator or another SAT-compatible host; SAT's own hosts when absent. */
  readonly baseUrl: string | undefined;
  readonly tokenRenewMarginSeconds: number;
  readonly onAnswer?: (operation: SignedOperation, codEstatus: string) => void;
}

function servicioOf(tipoDocumento: TipoDocumento): SatServicio {
  return tipoDocumento === 'Retenciones' ? 'retenciones' : 'cfdi';
}

/**
 * The pipeline's view of SAT over our SAT client. One client per (e.firma, flavour) is kept so a
 * token is reused across the jobs of one RFC instead of authenticating for every call.
 */
export class SatClientGateway implements SatGateway {
  private readonly clients = new Map<string, SatClient>();

  constructor(private readonly options: SatClientGatewayOptions) {}

  private client(credential: SatCredential, tipoDocumento: TipoDocumento): SatClient {
    const servicio = servicioOf(tipoDocumento);
    const key = `${servicio}:${createHash('sha256').update(credential.certificate).digest('hex')}`;
    let client = this.clients.get(key);
    if (!client) {
      const fiel = Fiel.create({
        certificate: credential.certificate,
        privateKey: credential.privateKey,
        password: credential.password,
      });
      client = new SatClient({
        fiel,
        endpoints: this.options.baseUrl
          ? endpointsAt(this.options.baseUrl, servicio)
          : productionEndpoints(servicio),
        transport: this.options.transport,
        tokenRenewMarginSeconds: this.options.tokenRenewMarginSeconds,
        ...(this.options.onAnswer ? { onAnswer: this.options.onAnswer } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  renewToken(credential: SatCredential, tipoDocumento: TipoDocumento): void {
    this.client(credential, tipoDocumento).forgetToken();
  }

  async query(credential: SatCredential, query: SatQuery): Promise<SatQueryOutcome> {
    const { filtros, periodo } = query;
    return this.client(credential, query.tipoDocumento).query({
      contexto: query.contexto,
      tipoSolicitud: query.tipoSolicitud,
      ...(periodo
        ? {
            fechaInicial: toMexicoWallClock(periodo.start),
            // SAT's FechaFinal is inclusive; our periods end one second later.
            fechaFinal: toMexicoWallClock(new Date(periodo.end.getTime() - 1000)),
          }
        : {}),
      rfcContrapartes: filtros.rfcContrapartes,
      ...(filtros.tipoComprobante ? { tipoComprobante: filtros.tipoComprobante } : {}),
      ...(filtros.estadoComprobante ? { estadoComprobante: filtros.estadoComprobante } : {}),
      ...(filtros.rfcACuentaTerceros ? { rfcACuentaTerceros: filtros.rfcACuentaTerceros } : {}),
      ...(filtros.complemento ? { complemento: filtros.complemento } : {}),
      ...(filtros.uuid ? { folio: filtros.uuid } : {}),
    });
  }

  async verify(
    credential: SatCredential,
    tipoDocumento: TipoDocumento,
    idSolicitud: string,
  ): Promise<SatVerifyOutcome> {
    return this.client(credential, tipoDocumento).verify(idSolicitud);
  }

  async download(
    credential: SatCredential,
    tipoDocumento: TipoDocumento,
    idPaquete: string,
  ): Promise<SatDownloadOutcome> {
    return this.client(credential, tipoDocumento).download(idPaquete);
  }
}
