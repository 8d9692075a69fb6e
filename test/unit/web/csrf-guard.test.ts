import { csrfVerdict, isSafeMethod } from '../../../src/web/ui/csrf-guard';

const SESSION = 'S'.repeat(43);
const SIGN_IN = 'E'.repeat(32);

describe('which requests must prove they came from this application (CSRF)', () => {
  it('lets reads through without a token', () => {
    expect(csrfVerdict({ method: 'GET', submitted: undefined })).toBe('safe-method');
    expect(csrfVerdict({ method: 'head', submitted: undefined })).toBe('safe-method');
    expect(isSafeMethod('GET')).toBe(true);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'post'])(
    'requires the token for %s, a method no route uses included',
    (method) => {
      expect(isSafeMethod(method)).toBe(false);
      expect(csrfVerdict({ method, sessionToken: SESSION, submitted: undefined })).toBe('refused');
      expect(csrfVerdict({ method, sessionToken: SESSION, submitted: SESSION })).toBe('accepted');
    },
  );

  it('accepts a signed-in request only with its session token, never the sign-in cookie', () => {
    expect(
      csrfVerdict({ method: 'POST', sessionToken: SESSION, signInToken: SIGN_IN, submitted: SESSION }),
    ).toBe('accepted');
    expect(
      csrfVerdict({ method: 'POST', sessionToken: SESSION, signInToken: SIGN_IN, submitted: SIGN_IN }),
    ).toBe('refused');
  });

  it('accepts a request without a session only with the sign-in cookie it carries', () => {
    expect(csrfVerdict({ method: 'POST', signInToken: SIGN_IN, submitted: SIGN_IN })).toBe('accepted');
    expect(csrfVerdict({ method: 'POST', signInToken: SIGN_IN, submitted: 'E'.repeat(31) })).toBe('refused');
    expect(csrfVerdict({ method: 'POST', submitted: SIGN_IN })).toBe('refused');
  });

  it('refuses a missing, empty, repeated or non-text token', () => {
    for (const submitted of [undefined, '', [SESSION, SESSION], { 0: SESSION }, 42, null]) {
      expect(csrfVerdict({ method: 'POST', sessionToken: SESSION, submitted })).toBe('refused');
    }
  });

  it('refuses everything when there is no token to compare with', () => {
    expect(csrfVerdict({ method: 'POST', sessionToken: '', submitted: '' })).toBe('refused');
    expect(csrfVerdict({ method: 'DELETE', submitted: undefined })).toBe('refused');
  });
});
