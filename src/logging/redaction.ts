/**
 * Keys whose values never reach a log line, whatever their nesting. Matched case-insensitively on the
 * key name with separators removed, so `fiel_key`, `FielKey` and `fielKey` all match `fielkey`.
 */
const SECRET_KEYS = new Set([
  'password',
  'passwd',
  'pass',
  'fielpass',
  'fielpassword',
  'passwordtext',
  'secret',
  'secretkey',
  'clientsecret',
  'apisecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'key',
  'privatekey',
  'fielkey',
  'keyder',
  'keypem',
  'masterkey',
  's3secretkey',
  'sessionid',
  // MYSuite's Requestor GUID is the caller's only credential there.
  'requestor',
  'nonce',
  'passworddigest',
]);

/**
 * Elements whose text is a credential or carries one. MYSuite's `User` is listed because ERPs often
 * send their Requestor GUID there too; WS-Security's `Nonce` because, with the digest, it allows an
 * offline guess of the password.
 */
const SECRET_ELEMENTS = [
  'Password',
  'Nonce',
  'Requestor',
  'User',
  'FielKey',
  'FielPass',
  'Data1',
  'PrivateKey',
  // SAT's token as Autentica returns it: whoever holds it acts as the taxpayer until it expires.
  'AutenticaResult',
].join('|');

/**
 * Text patterns that betray a secret inside free text (an envelope, an error message). Element text
 * is replaced up to the next tag or the end of the text, not up to its closing tag: logged envelopes
 * are cut at a fixed length, and a cut inside a secret must not leave its start in clear.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(WRAP access_token=")[^"]*(")/gi, '$1[REDACTED]$2'],
  [/(Basic |Bearer )[A-Za-z0-9+/=._-]{8,}/g, '$1[REDACTED]'],
  [
    new RegExp(
      `(<(?:[\\w.-]+:)?(?:${SECRET_ELEMENTS})\\b[^>]*(?<!/)>)(?:<!\\[CDATA\\[[\\s\\S]*?(?:\\]\\]>|$)|[^<])+`,
      'gi',
    ),
    '$1[REDACTED]',
  ],
  [/(\bk="(?:FielKey|FielPass|FielCer|Requestor)"\s+v=")[^"]*(")/gi, '$1[REDACTED]$2'],
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    '[REDACTED PRIVATE KEY]',
  ],
  [/(\b(?:password|requestor)=)[^&\s]+/gi, '$1[REDACTED]'],
  [/("(?:password|requestor|nonce)"\s*:\s*")(?:[^"\\]|\\.)*(")/gi, '$1[REDACTED]$2'],
];

const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normaliseKey(key));
}

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** Returns a copy of `value` with every secret replaced; never mutates its input. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[TRUNCATED]';
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      ...('code' in value ? { code: (value as { code: unknown }).code } : {}),
      stack: value.stack === undefined ? undefined : redactText(value.stack),
    };
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = isSecretKey(key) ? REDACTED : redact(item, depth + 1);
  }
  return result;
}
