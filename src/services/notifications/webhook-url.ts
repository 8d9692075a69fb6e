import { ValidationError, generalErrors } from '../../errors';

const MAX_URL_LENGTH = 2000;

function invalid(reason: string): ValidationError {
  return new ValidationError(generalErrors.webhookUrlInvalid, { params: { field: 'url', reason } });
}

/**
 * Checks a receiver's address and returns it normalised. Only http(s); plain http only where the
 * operator allowed it (`WEBHOOK_ALLOW_HTTP`, on by default only in simulator mode). No user or
 * password in the URL: the signature is what authenticates us, and a URL is shown in lists and pages.
 */
export function normaliseWebhookUrl(raw: string, options: { readonly allowHttp: boolean }): string {
  const text = raw.trim();
  if (text === '') throw new ValidationError(generalErrors.fieldRequired, { params: { field: 'url' } });
  if (text.length > MAX_URL_LENGTH) throw invalid(`longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('only http:// or https://');
  if (url.protocol === 'http:' && !options.allowHttp) {
    throw new ValidationError(generalErrors.webhookHttpsRequired, { params: { field: 'url' } });
  }
  if (url.username !== '' || url.password !== '') throw invalid('no user or password in the URL');
  if (url.hash !== '') throw invalid('no fragment (#)');
  if (url.hostname === '') throw invalid('no host');
  return url.toString();
}

/** Scheme, host and port: enough to tell which receiver a log line is about, never a path token. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
