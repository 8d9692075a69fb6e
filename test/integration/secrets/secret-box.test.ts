import { randomBytes } from 'node:crypto';
import { AppError } from '../../../src/errors';
import { SecretBox, generateMasterKey, keyIdOf, masterKeyFrom } from '../../../src/services/secrets';

describe('SecretBox', () => {
  const key = generateMasterKey();
  const box = new SecretBox(key);

  it('round-trips binary and text values, with a fresh ciphertext every time', () => {
    const value = randomBytes(1200);
    const first = box.encrypt(value, 'ctx');
    const second = box.encrypt(value, 'ctx');
    expect(first.equals(second)).toBe(false);
    expect(box.decrypt(first, 'ctx').equals(value)).toBe(true);
    expect(box.decryptText(box.encrypt('contraseña 12345678a'), '')).toBe('contraseña 12345678a');
  });

  it('never carries the plaintext and stamps the master key id', () => {
    const secret = Buffer.from('12345678a-the-fiel-password');
    const sealed = box.encrypt(secret);
    expect(sealed.includes(secret)).toBe(false);
    expect(keyIdOf(sealed)).toBe(key.id);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a value sealed for another context (row or column swap)', () => {
    const sealed = box.encrypt('secret', 'contribuyentes:t1:AAA010101AAA:fiel_password');
    expect(() => box.decrypt(sealed, 'contribuyentes:t2:AAA010101AAA:fiel_password')).toThrow(
      expect.objectContaining({ code: 'DM-8104' }),
    );
  });

  it('detects tampering anywhere in the value', () => {
    const sealed = box.encrypt('secret');
    for (const index of [1, 5, sealed.length - 1, sealed.length - 20]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => box.decrypt(tampered)).toThrow(AppError);
    }
    expect(() => box.decrypt(sealed.subarray(0, 30))).toThrow(expect.objectContaining({ code: 'DM-8104' }));
  });

  it('needs the key that sealed the value: an unknown key id is a configuration error', () => {
    const other = new SecretBox(generateMasterKey());
    expect(() => other.decrypt(box.encrypt('x'))).toThrow(expect.objectContaining({ code: 'DM-8103' }));
  });

  it('re-wraps under a new key without changing the value, and the old box can no longer open it', () => {
    const next = generateMasterKey();
    const rotating = new SecretBox(next, [key]);
    const sealed = box.encrypt('the key bytes', 'c');
    const rewrapped = rotating.rewrap(sealed);
    expect(keyIdOf(rewrapped)).toBe(next.id);
    expect(rotating.rewrap(rewrapped)).toBe(rewrapped);
    expect(new SecretBox(next).decryptText(rewrapped, 'c')).toBe('the key bytes');
    expect(() => box.decrypt(rewrapped, 'c')).toThrow(expect.objectContaining({ code: 'DM-8103' }));
    expect(rotating.decryptText(sealed, 'c')).toBe('the key bytes');
  });

  it('derives the same key id from the same key bytes', () => {
    expect(masterKeyFrom(Buffer.from(key.key)).id).toBe(key.id);
    expect(() => masterKeyFrom(randomBytes(16))).toThrow(RangeError);
  });
});
