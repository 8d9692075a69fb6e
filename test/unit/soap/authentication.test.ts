import { createHash } from 'node:crypto';
import { AuthenticationError } from '../../../src/errors';
import {
  CredentialReader,
  basicUsername,
  computePasswordDigest,
  refusalOf,
  verifyPasswordDigest,
} from '../../../src/soap/infra/authentication';
import { InMemoryNonceCache } from '../../../src/soap/infra/nonce-cache';

const DIGEST =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const TEXT =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const NOW = Date.parse('2026-11-24T16:00:00Z');
const noHeaders = undefined;
const DEMO = { tenantId: 't1', userId: 'u1', username: 'demo' };

function reader(now = NOW, cache = new InMemoryNonceCache()) {
  return new CredentialReader({ nonceCache: cache, freshnessSeconds: 300, now: () => now });
}
function digestToken(created: string, nonce = Buffer.from('0123456789abcdef').toString('base64')) {
  return {
    username: 'demo',
    password: computePasswordDigest(nonce, created, 'demo'),
    passwordType: DIGEST,
    nonce,
    created,
  };
}
function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('PasswordDigest', () => {
  it('is Base64(SHA-1(nonce bytes + created + password))', () => {
    const nonce = Buffer.from([1, 2, 3, 250]);
    const expected = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from('2026-11-24T16:00:00Z'), Buffer.from('sécret')]))
      .digest('base64');
    expect(computePasswordDigest(nonce.toString('base64'), '2026-11-24T16:00:00Z', 'sécret')).toBe(expected);
  });

  it('verifies the right secret and refuses a wrong one', () => {
    const credentials = reader().read(digestToken('2026-11-24T15:59:00Z'), noHeaders);
    expect(credentials.scheme).toBe('digest');
    if (credentials.scheme !== 'digest') return;
    expect(verifyPasswordDigest(credentials, 'demo')).toBe(true);
    expect(verifyPasswordDigest(credentials, 'demo2')).toBe(false);
    expect(verifyPasswordDigest({ ...credentials, digest: 'short' }, 'demo')).toBe(false);
  });

  it('remembers a nonce only once its token authenticated, then refuses it again', () => {
    const cache = new InMemoryNonceCache();
    const token = digestToken('2026-11-24T15:59:00Z');
    const first = reader(NOW, cache).read(token, noHeaders);
    // Reading alone (what an unauthenticated caller can make happen) leaves nothing behind.
    expect(cache.size).toBe(0);
    const again = reader(NOW + 1000, cache).read(token, noHeaders);
    reader(NOW, cache).rememberNonce(first, DEMO);
    expect(cache.size).toBe(1);
    expect(failure(() => reader(NOW + 1000, cache).rememberNonce(again, DEMO))).toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('treats another Base64 spelling of the same nonce bytes as a replay', () => {
    const cache = new InMemoryNonceCache();
    const nonce = Buffer.from('0123456789abcdef').toString('base64');
    const first = reader(NOW, cache).read(digestToken('2026-11-24T15:59:00Z', nonce), noHeaders);
    reader(NOW, cache).rememberNonce(first, DEMO);
    const respelled = reader(NOW, cache).read(
      digestToken('2026-11-24T15:59:00Z', `${nonce.slice(0, 8)}\n${nonce.slice(8)}`),
      noHeaders,
    );
    expect(failure(() => reader(NOW, cache).rememberNonce(respelled, DEMO))).toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('keeps the nonces of different users apart', () => {
    const cache = new InMemoryNonceCache();
    const credentials = reader(NOW, cache).read(digestToken('2026-11-24T15:59:00Z'), noHeaders);
    reader(NOW, cache).rememberNonce(credentials, DEMO);
    expect(() => reader(NOW, cache).rememberNonce(credentials, { ...DEMO, userId: 'u2' })).not.toThrow();
  });

  it.each([
    ['too old', '2026-11-24T15:54:59Z'],
    ['from the future', '2026-11-24T16:05:01Z'],
    ['without a zone', '2026-11-24T16:00:00'],
    ['not a date', 'ayer'],
  ])('refuses a Created %s', (_name, created) => {
    const error = failure(() => reader().read(digestToken(created), noHeaders));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('DM-3001');
  });

  it('accepts Created at the edge of the window and with an offset', () => {
    expect(reader().read(digestToken('2026-11-24T15:55:00Z'), noHeaders).scheme).toBe('digest');
    expect(reader().read(digestToken('2026-11-24T10:01:00.123-06:00'), noHeaders).scheme).toBe('digest');
  });

  it('refuses a digest without nonce, or with one of no bytes', () => {
    const token = { ...digestToken('2026-11-24T15:59:00Z'), nonce: undefined };
    expect(failure(() => reader().read(token, noHeaders))).toBeInstanceOf(AuthenticationError);
    const empty = { ...digestToken('2026-11-24T15:59:00Z'), nonce: '====' };
    expect(failure(() => reader().read(empty, noHeaders))).toBeInstanceOf(AuthenticationError);
  });
});

describe('PasswordText and HTTP Basic', () => {
  it('reads PasswordText, with or without the Type attribute', () => {
    expect(reader().read({ username: ' demo ', password: 'p w', passwordType: TEXT }, noHeaders)).toEqual({
      scheme: 'password',
      source: 'ws-security',
      username: 'demo',
      password: 'p w',
    });
    expect(reader().read({ username: 'demo', password: 'x' }, noHeaders).scheme).toBe('password');
  });

  it('refuses unknown password types and missing fields', () => {
    expect(
      failure(() => reader().read({ username: 'a', password: 'b', passwordType: '#Kerberos' }, noHeaders)),
    ).toBeInstanceOf(AuthenticationError);
    expect(failure(() => reader().read({ username: 'a' }, noHeaders))).toBeInstanceOf(AuthenticationError);
    expect(failure(() => reader().read({ password: 'a' }, noHeaders))).toBeInstanceOf(AuthenticationError);
  });

  it('reads HTTP Basic when there is no token, keeping colons in the password', () => {
    const header = `Basic ${Buffer.from('demo:pa:ss').toString('base64')}`;
    expect(reader().read(undefined, header)).toEqual({
      scheme: 'password',
      source: 'http-basic',
      username: 'demo',
      password: 'pa:ss',
    });
  });

  it('refuses a request with no credentials or a broken Basic header', () => {
    expect(failure(() => reader().read(undefined, noHeaders))).toBeInstanceOf(AuthenticationError);
    const broken = `Basic ${Buffer.from('nocolon').toString('base64')}`;
    expect(failure(() => reader().read(undefined, broken))).toBeInstanceOf(AuthenticationError);
  });

  it('reads the username of a Basic header before the body, for throttling', () => {
    expect(basicUsername(`Basic ${Buffer.from('erp:x:y').toString('base64')}`)).toBe('erp');
    expect(basicUsername(`Basic ${Buffer.from(':x').toString('base64')}`)).toBeUndefined();
    expect(basicUsername('Bearer abc')).toBeUndefined();
    expect(basicUsername(undefined)).toBeUndefined();
  });
});

describe('refusalOf: how a failed authentication is answered', () => {
  const challenged = { challenge: 'Basic realm="descarga-masiva", charset="UTF-8"', countsAsFailure: false };
  const counted = { countsAsFailure: true };
  const basic = `Basic ${Buffer.from('demo:mala').toString('base64')}`;

  it('challenges, without counting it, a request that offered no credential at all', () => {
    expect(refusalOf({ checksCallers: true, authorization: undefined, securityHeader: false })).toEqual(
      challenged,
    );
    expect(refusalOf({ checksCallers: true, authorization: '  ', securityHeader: false })).toEqual(
      challenged,
    );
  });

  it('counts, without a challenge, anything offered, however garbled', () => {
    for (const authorization of [basic, 'Basic ???', 'Bearer abc', 'Negotiate x']) {
      expect(refusalOf({ checksCallers: true, authorization, securityHeader: false })).toEqual(counted);
    }
    // A Security header (with or without a usable UsernameToken) is an attempt too.
    expect(refusalOf({ checksCallers: true, authorization: undefined, securityHeader: true })).toEqual(
      counted,
    );
    expect(refusalOf({ checksCallers: true, authorization: basic, securityHeader: true })).toEqual(counted);
  });

  it('never challenges where the envelope was not read or the binding authenticates in-band', () => {
    expect(refusalOf({ checksCallers: true, authorization: undefined, securityHeader: undefined })).toEqual(
      counted,
    );
    expect(refusalOf({ checksCallers: false, authorization: undefined, securityHeader: false })).toEqual(
      counted,
    );
  });
});
