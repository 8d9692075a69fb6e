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
  tokenRefusedTwice: {
    code: 'DM-5007',
    kind: 'external',
    es: 'El SAT rechazó el token que acababa de emitir ({detail}); se reintentará más tarde.',
    en: 'SAT refused the token it had just issued ({detail}); it will be retried later.',
    transient: true,
  },
  reissuesExhausted: {
    code: 'DM-5008',
    kind: 'external',
    es: 'El SAT no entregó esta parte tras pedirla de nuevo {veces} veces (último estado del SAT: {estado}).',
    en: 'SAT did not deliver this part after it was asked again {veces} times (SAT’s last state: {estado}).',
  },
  unknownSatCode: {
    code: 'DM-5009',
    kind: 'external',
    es: 'El SAT respondió un código que no se conoce ({satCode}: {mensaje}).',
    en: 'SAT answered a code that is not known ({satCode}: {mensaje}).',
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
  // 52xx: package contents (issue 17). Written on the package (codigo/mensaje) when it is indexed, never
  // thrown: the package stays stored as SAT sent it and the solicitud completes.
  metadataWithoutHeader: {
    code: 'DM-5201',
    kind: 'external',
    es: 'El archivo {entry} no tiene el encabezado Uuid~RfcEmisor~…: su línea {line} ya es un registro ("{found}"); sus registros no se indexaron (el paquete se conserva como llegó del SAT).',
    en: 'File {entry} has no Uuid~RfcEmisor~… header: its line {line} is already a record ("{found}"); its records were not indexed (the package is kept as SAT sent it).',
  },
  metadataUnknownHeader: {
    code: 'DM-5202',
    kind: 'external',
    es: 'El archivo {entry} empieza en la línea {line} con un encabezado que no se reconoce ("{found}"); sus registros no se indexaron (el paquete se conserva como llegó del SAT).',
    en: 'File {entry} starts at line {line} with a header that is not recognised ("{found}"); its records were not indexed (the package is kept as SAT sent it).',
  },
  metadataRecordTooLong: {
    code: 'DM-5203',
    kind: 'external',
    es: 'El archivo {entry} tiene en la línea {line} un registro de más de 1 MB ("{found}"); desde esa línea no se indexó (el paquete se conserva como llegó del SAT).',
    en: 'File {entry} has a record longer than 1 MB at line {line} ("{found}"); nothing from that line on was indexed (the package is kept as SAT sent it).',
  },
  metadataMissing: {
    code: 'DM-5204',
    kind: 'external',
    es: 'El paquete no contiene metadata: ningún archivo .txt empieza con el encabezado Uuid~RfcEmisor~ ({entries}); no se indexó nada (el paquete se conserva como llegó del SAT).',
    en: 'The package holds no metadata: no .txt file starts with the Uuid~RfcEmisor~ header ({entries}); nothing was indexed (the package is kept as SAT sent it).',
  },
  textNotUtf8: {
    code: 'DM-5205',
    kind: 'external',
    es: '{contenido} en Windows-1252 (no UTF-8): {entries}',
    en: '{contenido} in Windows-1252 (not UTF-8): {entries}',
  },
});
