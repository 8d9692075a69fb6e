import {
  type RegistrationInput,
  type RegistrationResult,
  parseRegistrationRequest,
} from '../../../services/solicitudes';
import { readInlineFiel } from '../inline-fiel';
import { optional } from '../param-values';
import { base64, emptyElement } from '../response-xml';
import type { MySuiteTransaction } from '../transaction';
import { booleanParam, choiceParam, dateTimeParam, readParams, requiredParam } from '../typed-params';

const SERVICIOS = { CFDIS: ['CFDI'], RETENCIONES: ['Retenciones'], AMBOS: ['CFDI', 'Retenciones'] } as const;
const TIPOS_SOLICITUD = { METADATA: 'Metadata', CFDI: 'CFDI', AMBOS: 'Ambos' } as const;
const TIPOS_TAX_ID = { EMISOR: 'Emitidos', RECEPTOR: 'Recibidos', AMBOS: 'Ambos' } as const;

/** The typed keys of REGISTRAR_SOLICITUD_DM_SAT's Data1. */
export const REGISTRAR_SOLICITUD_PARAMS = Object.freeze({
  Servicio: requiredParam(choiceParam(SERVICIOS)),
  TipoSolicitud: requiredParam(choiceParam(TIPOS_SOLICITUD)),
  TipoTaxID: requiredParam(choiceParam(TIPOS_TAX_ID)),
  FechaInicial: requiredParam(dateTimeParam),
  FechaFinal: requiredParam(dateTimeParam),
  Forzar: booleanParam,
});

function row(result: RegistrationResult, tipoDocumento: string): Record<string, unknown> {
  return {
    Id: result.idSolicitud ?? '',
    Servicio: tipoDocumento === 'CFDI' ? 'CFDIS' : 'RETENCIONES',
    TipoSolicitud: result.tipoSolicitud,
    TipoTaxID: result.contexto === 'Emitidos' ? 'EMISOR' : 'RECEPTOR',
    Estado: result.estado,
    Codigo: result.codigo ?? '',
    Mensaje: result.mensaje ?? '',
    IdsExistentes: result.idsSolicitudExistentes.join(','),
  };
}

/**
 * REGISTRAR_SOLICITUD_DM_SAT: one registration per Servicio (AMBOS = CFDI and Retenciones), each fanned
 * out by TipoSolicitud and TipoTaxID as RegistrarSolicitud does, so up to eight rows.
 */
export const registrarSolicitud: MySuiteTransaction = async (call, services) => {
  const { params } = call;
  const typed = readParams(params, REGISTRAR_SOLICITUD_PARAMS);
  const referencia = optional(params, 'ReferenciaCliente');
  const forzar = typed.Forzar;
  const inputs = typed.Servicio.map((tipoDocumento): RegistrationInput => ({
    rfc: call.rfc,
    fechaInicial: typed.FechaInicial,
    fechaFinal: typed.FechaFinal,
    contexto: typed.TipoTaxID,
    tipoSolicitud: typed.TipoSolicitud,
    tipoDocumento,
    // One reference per Servicio: each is its own registration, replayed on its own.
    ...(referencia ? { referenciaCliente: `${referencia}:${tipoDocumento}` } : {}),
    ...(forzar === undefined ? {} : { forzar }),
  }));
  // Whatever the registration would refuse is refused now, before a FIEL is stored.
  const now = new Date();
  for (const input of inputs) parseRegistrationRequest(input, now);
  const fiel = readInlineFiel(params);
  if (fiel) await services.fielEnrollment.enroll(call.tenantId, fiel, call.rfc);

  return async () => {
    const rows: Record<string, unknown>[] = [];
    for (const input of inputs) {
      const results = await services.registration.register(
        { tenantId: call.tenantId, canal: 'mysuite', apiUserId: call.userId },
        input,
      );
      rows.push(...results.map((result) => row(result, input.tipoDocumento ?? 'CFDI')));
    }
    const registered = rows.filter((item) => item.Estado === 'Registrada').length;
    return {
      data: `${rows.length} solicitud(es); ${registered} registrada(s).`,
      responseData1: base64(
        `<Solicitudes>${rows.map((item) => emptyElement('Solicitud', item)).join('')}</Solicitudes>`,
      ),
    };
  };
};
