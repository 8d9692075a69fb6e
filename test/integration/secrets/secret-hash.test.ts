import {
  generateApiSecret,
  generateRequestorGuid,
  hashSecret,
  needsRehash,
  normaliseRequestorGuid,
  requestorHint,
  requestorLookupKey,
  verifySecret,
} from '../../../src/services/secrets';

describe('secret hashing', () => {
  it('verifies the right secret and rejects a wrong one', async () => {
    const secret = generateApiSecret();
    const stored = await hashSecret(secret, 12);
    expect(stored).toMatch(/^scrypt\$12\$8\$1\$/);
    expect(stored).not.toContain(secret);
    await expect(verifySecret(secret, stored)).resolves.toBe(true);
    await expect(verifySecret(`${secret}x`, stored)).resolves.toBe(false);
  });

  it('salts: the same secret hashes differently', async () => {
    expect(await hashSecret('demo', 10)).not.toBe(await hashSecret('demo', 10));
  });

  it('treats a malformed stored hash as no match', async () => {
    await expect(verifySecret('demo', 'plain-text')).resolves.toBe(false);
    await expect(verifySecret('demo', 'scrypt$10$8$1$AAAA$AAAA')).resolves.toBe(false);
  });

  it('asks for a rehash when the cost is below the default', async () => {
    expect(needsRehash(await hashSecret('demo', 10))).toBe(true);
    expect(needsRehash(await hashSecret('demo'))).toBe(false);
  });
});

describe('Requestor GUID credentials', () => {
  it('finds the same lookup key whatever the case or braces', () => {
    const guid = '11111111-2222-3333-4444-555555555555';
    const key = requestorLookupKey(guid);
    expect(key?.length).toBe(32);
    expect(requestorLookupKey(`{${guid.toUpperCase()}}`)?.equals(key as Buffer)).toBe(true);
    expect(requestorLookupKey('11111111-2222-3333-4444-555555555556')?.equals(key as Buffer)).toBe(false);
    expect(requestorHint(guid)).toBe('5555');
  });

  it('rejects what is not a GUID', () => {
    expect(requestorLookupKey('not-a-guid')).toBeUndefined();
    expect(normaliseRequestorGuid('11111111-2222-3333-4444-55555555555')).toBeUndefined();
  });

  it('generates distinct v4 GUIDs', () => {
    const a = generateRequestorGuid();
    expect(normaliseRequestorGuid(a)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(generateRequestorGuid()).not.toBe(a);
  });
});
