export { createDescargaMasivaV2Handlers } from './handlers';
export { MAX_ESTADOS, V2_OPERATIONS, type V2Operation, toV1Input, toV2Resultado } from './mapping';
