import express, { type Request, type Response } from 'express';
import { AppError, ValidationError, generalErrors } from '../../errors';
import { readSmallUpload, type UploadLimits } from './multipart';
import { webLocals } from './web-kit';

/** Plain forms are a few fields; 100 checkboxes is more than any page has. */
const FORM_BYTES = 64 * 1024;
const FORM_PARAMETERS = 100;

/**
 * The one multipart form is the e.firma upload: a .cer and a .key of a few KB each, its password and
 * the CSRF token. The whole body is capped, not only each file, so reading stops early.
 */
export const UPLOAD_LIMITS: UploadLimits = {
  totalBytes: 256 * 1024,
  fileBytes: 64 * 1024,
  files: 2,
  fields: 10,
  fieldBytes: 4096,
};

const urlencoded = express.urlencoded({
  extended: false,
  limit: FORM_BYTES,
  parameterLimit: FORM_PARAMETERS,
});

function parseUrlencoded(request: Request, response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    urlencoded(request, response, (error?: unknown) => (error ? reject(error) : resolve()));
  });
}

const unreadable = (): ValidationError =>
  new ValidationError(generalErrors.fieldInvalid, {
    params: { field: 'formulario', reason: 'the form could not be read' },
  });

/**
 * Reads the fields of a state-changing request into `request.body`, whatever its encoding, so the
 * CSRF check sees the token before any route does. A multipart body's files go to the response
 * locals for the route that wants them; multipart is read only for a signed-in session, since no
 * form before sign-in uploads anything. Any other content type yields no fields (and so no token).
 */
export async function readFormBody(
  request: Request,
  response: Response,
  options: { multipart: boolean },
): Promise<void> {
  if (request.is('application/x-www-form-urlencoded')) {
    // body-parser's errors (too large, malformed) carry their 4xx status for the error handler.
    await parseUrlencoded(request, response);
  } else if (options.multipart && request.is('multipart/form-data')) {
    // busboy's errors (no boundary, a malformed part, a cut body) are all a malformed request.
    const upload = await readSmallUpload(request, UPLOAD_LIMITS).catch((error: unknown) => {
      throw error instanceof AppError ? error : unreadable();
    });
    request.body = upload.fields;
    webLocals(response).upload = { files: upload.files, truncated: upload.truncated };
  }
  request.body ??= Object.create(null) as Record<string, unknown>;
}
