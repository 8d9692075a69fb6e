// The SOAP layer's errors live in the catalogue (docs/errors.md); re-exported here for its modules.
export { soapErrors } from '../errors';
