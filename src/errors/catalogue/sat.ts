import { defineErrors } from '../definition';

/** Talking to SAT (or the simulator): codes DM-5xxx. */
export const satErrors = defineErrors({
  unreachable: {
    code: 'DM-5001',
    kind: 'external',
    es: 'No se pudo comunicar con el SAT: {reason}',
    en: 'Could not reach SAT: {reason}',
    transient: true,
  },
  unexpectedAnswer: {
    code: 'DM-5002',
    kind: 'external',
    es: 'El SAT respondió algo inesperado (HTTP {status}): {detail}',
    en: 'SAT answered something unexpected (HTTP {status}): {detail}',
    transient: true,
  },
  authenticationRefused: {
    code: 'DM-5003',
    kind: 'external',
    es: 'El SAT rechazó la autenticación con la e.firma ({detail}). Verifique la e.firma y que el reloj de este equipo esté en hora.',
    en: 'SAT refused to authenticate with the e.firma ({detail}). Check the e.firma and that this machine’s clock is right.',
  },
  httpRefused: {
    code: 'DM-5004',
    kind: 'external',
    es: 'El SAT rechazó la llamada con HTTP {status}: {detail}. Revise la URL del servicio (SAT_BASE_URL).',
    en: 'SAT refused the call with HTTP {status}: {detail}. Check the service URL (SAT_BASE_URL).',
  },
  operationNotSupported: {
    code: 'DM-5005',
    kind: 'external',
    es: 'El SAT ya no admite esta operación ({detail}); el cliente necesita actualizarse.',
    en: 'SAT no longer supports this operation ({detail}); the client needs an update.',
  },
  packageUnreadable: {
    code: 'DM-5006',
    kind: 'external',
    es: 'No se pudo abrir el paquete {idPaquete}: {detail}.',
    en: 'Could not open package {idPaquete}: {detail}.',
  },
  // 51xx: package custody (issue 8). A package is acknowledged only once it is stored and verified.
  packageCorrupt: {
    code: 'DM-5101',
    kind: 'external',
    es: 'El paquete {idPaquete} llegó dañado ({detail}); no se da por guardado y se descargará de nuevo.',
    en: 'Package {idPaquete} arrived damaged ({detail}); it is not taken as stored and will be downloaded again.',
    transient: true,
  },
  packageStoredMismatch: {
    code: 'DM-5102',
    kind: 'storage',
    es: 'Lo guardado del paquete {idPaquete} no coincide con lo recibido del SAT ({detail}); se descargará de nuevo.',
    en: 'What was stored of package {idPaquete} does not match what SAT sent ({detail}); it will be downloaded again.',
    transient: true,
  },
});
