// The SOAP layer's errors live in the catalogue (docs/errors.md); re-exported here for its modules.
import { ValidationError, soapErrors } from '../../errors';

export { soapErrors };

/** DM-2101, keeping the parser's or the stream's complaint as the cause when there is one. */
export function malformedEnvelope(cause?: unknown): ValidationError {
  return new ValidationError(soapErrors.malformedEnvelope, cause === undefined ? {} : { cause });
}
