export * from './definition';
export * from './app-error';
export { catalogues, allErrorDefinitions } from './catalogue';
export { generalErrors } from './catalogue/general';
export { satErrors } from './catalogue/sat';
export { storageErrors } from './catalogue/storage';
export { fielErrors } from './catalogue/fiel';
export { dbErrors } from './catalogue/db';
export { solicitudesErrors } from './catalogue/solicitudes';
