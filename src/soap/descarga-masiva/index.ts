export { createDescargaMasivaHandlers, type DescargaMasivaServices } from './handlers';
