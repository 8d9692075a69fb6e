import { defineErrors } from '../definition';

/** Object storage (S3/MinIO or local disk): codes DM-6xxx. */
export const storageErrors = defineErrors({
  unavailable: {
    code: 'DM-6001',
    kind: 'storage',
    es: 'El almacenamiento de paquetes no responde: {reason}',
    en: 'Package storage is not answering: {reason}',
    transient: true,
  },
  invalidKey: {
    code: 'DM-6002',
    kind: 'internal',
    es: 'Clave de objeto no válida: {key}',
    en: 'Invalid object key: {key}',
  },
  integrityMismatch: {
    code: 'DM-6003',
    kind: 'storage',
    es: 'El contenido recibido no coincide con lo esperado ({detail}); no se guardó.',
    en: 'The content received does not match what was expected ({detail}); it was not stored.',
    transient: true,
  },
  objectMissing: {
    code: 'DM-6004',
    kind: 'not-found',
    es: 'El objeto {key} no existe en el almacenamiento.',
    en: 'Object {key} does not exist in storage.',
  },
  linkInvalid: {
    code: 'DM-6005',
    kind: 'authorization',
    es: 'El enlace de descarga no es válido o ya expiró.',
    en: 'The download link is invalid or has expired.',
  },
  exportCopyMismatch: {
    code: 'DM-6006',
    kind: 'storage',
    es: 'La copia del paquete {idPaquete} no coincide con lo registrado ({detail}); se descartó.',
    en: 'The copy of package {idPaquete} does not match what was recorded ({detail}); it was discarded.',
  },
  exportDestinationUnwritable: {
    code: 'DM-6007',
    kind: 'storage',
    es: 'No se puede escribir en la carpeta de destino {destination}: {reason}',
    en: 'Cannot write to the destination folder {destination}: {reason}',
  },
  // 612x: re-indexing stored packages (`descarga-masiva reindex`).
  reindexRunning: {
    code: 'DM-6120',
    kind: 'conflict',
    es: 'Ya hay una reindexación en curso para {scope}; espere a que termine y vuelva a ejecutarla.',
    en: 'A reindex of {scope} is already running; wait for it to finish, then run it again.',
    transient: true,
  },
  reindexPackageNotIndexed: {
    code: 'DM-6121',
    kind: 'conflict',
    es: 'El paquete {idPaquete} está {estado}, no Indexado: no se reindexa (lo indexa el proceso de descarga).',
    en: 'Package {idPaquete} is {estado}, not Indexado: it is not re-indexed (the download pipeline indexes it).',
  },
});
