import { isUtf8 } from 'node:buffer';
import {
  DeclaredEncoding,
  Utf8OrWindows1252,
  decodeWindows1252,
  firstInvalidUtf8,
  xmlDecoder,
} from '../../../src/sat/packages/text-decoding';

/*
 * The decoder sees an entry as the inflater hands it over, in chunks that split characters anywhere.
 * Whatever the split, the text must be the same: UTF-8 as UTF-8, Windows-1252 as Windows-1252.
 */

function decodeIn(chunks: Buffer[]): { text: string; decoder: Utf8OrWindows1252 } {
  const decoder = new Utf8OrWindows1252();
  const text = chunks.map((chunk) => decoder.write(chunk)).join('') + decoder.end();
  return { text, decoder };
}

/** Every way of cutting `bytes` in two, and one byte at a time. */
function splits(bytes: Buffer): Buffer[][] {
  const ways: Buffer[][] = [];
  for (let at = 0; at <= bytes.length; at += 1) ways.push([bytes.subarray(0, at), bytes.subarray(at)]);
  ways.push([...bytes].map((byte) => Buffer.from([byte])));
  return ways;
}

const windows1252 = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('decodeWindows1252', () => {
  it("maps all 256 bytes as WHATWG's index does, 0x80–0x9F included (where Node's TextDecoder fails)", () => {
    const text = decodeWindows1252(Uint8Array.from({ length: 256 }, (_, byte) => byte));
    expect(text).toHaveLength(256);
    expect(text.slice(0x80, 0xa0)).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
    expect(text.slice(0, 0x80)).toBe(
      Buffer.from(Array.from({ length: 0x80 }, (_, byte) => byte)).toString('latin1'),
    );
    expect(text.slice(0xa0)).toBe(
      '\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ',
    );
  });
});

describe('Utf8OrWindows1252', () => {
  it('reads UTF-8 as UTF-8 however the chunks cut its characters', () => {
    const text = 'PEÑA~Compañía € 😀~ÁÉÍÓÚ';
    for (const chunks of splits(Buffer.from(text, 'utf8'))) {
      const { text: decoded, decoder } = decodeIn(chunks);
      expect(decoded).toBe(text);
      expect(decoder.fallback).toBeUndefined();
    }
  });

  it('reads Windows-1252 as Windows-1252 however the chunks cut it, from its first byte that is not UTF-8', () => {
    const bytes = Buffer.concat([
      windows1252('ABC~PEÑA~Compañía'),
      Buffer.from([0x80, 0x93, 0x94]),
      windows1252('ñ'),
    ]);
    const expected = 'ABC~PEÑA~Compañía€“”ñ';
    for (const chunks of splits(bytes)) {
      const { text, decoder } = decodeIn(chunks);
      expect(text).toBe(expected);
      expect(decoder.fallback).toEqual({ byte: 6, line: undefined, utf8Before: false });
    }
  });

  it('drops a UTF-8 BOM, split or not, and reads a lone BOM start as the Windows-1252 it is', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Uuid~Ñ', 'utf8')]);
    for (const chunks of splits(withBom)) expect(decodeIn(chunks).text).toBe('Uuid~Ñ');
    const cut = decodeIn([Buffer.from([0xef]), Buffer.from([0xbb])]);
    expect(cut.text).toBe('ï»');
    expect(cut.decoder.fallback).toEqual({ byte: 0, line: undefined, utf8Before: false });
  });

  it('reads an entry that mixes both as each part is, and says UTF-8 came before', () => {
    const bytes = Buffer.concat([Buffer.from('Año~', 'utf8'), windows1252('Año')]);
    for (const chunks of splits(bytes)) {
      const { text, decoder } = decodeIn(chunks);
      expect(text).toBe('Año~Año');
      expect(decoder.fallback).toEqual({ byte: 6, line: undefined, utf8Before: true });
    }
  });

  it('takes a UTF-8 sequence cut short by the end of the entry as Windows-1252', () => {
    const { text, decoder } = decodeIn([Buffer.from([0x41, 0xe2, 0x82])]);
    expect(text).toBe('Aâ‚');
    expect(decoder.fallback).toMatchObject({ byte: 1 });
  });
});

describe('firstInvalidUtf8', () => {
  it('agrees with the runtime on what is UTF-8, and everything before the byte it names is', () => {
    // A seeded generator, so a failure can be replayed.
    let seed = 17;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const interesting = [
      0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    for (let round = 0; round < 20_000; round += 1) {
      const length = next() % 8;
      const bytes = Buffer.from(
        Array.from({ length }, () =>
          next() % 2 === 0 ? interesting[next() % interesting.length]! : 0x80 + (next() % 0x40),
        ),
      );
      const invalid = firstInvalidUtf8(bytes);
      expect({ bytes: bytes.toString('hex'), valid: invalid === -1 }).toEqual({
        bytes: bytes.toString('hex'),
        valid: isUtf8(bytes),
      });
      if (invalid !== -1) expect(isUtf8(bytes.subarray(0, invalid))).toBe(true);
    }
  });
});

describe('xmlDecoder', () => {
  it('follows an encoding the prolog declares, and reads anything else as UTF-8 with the fallback', () => {
    const declared = (encoding: string): Buffer =>
      Buffer.from(`<?xml version="1.0" encoding="${encoding}"?><a/>`);
    expect(xmlDecoder(declared('ISO-8859-1'))).toBeInstanceOf(DeclaredEncoding);
    expect(xmlDecoder(declared('ISO-8859-1')).write(Buffer.from([0x41, 0x80, 0xd1]))).toBe('A€Ñ');
    expect(xmlDecoder(declared('ISO-8859-15')).write(Buffer.from([0xa4]))).toBe('€');
    expect(xmlDecoder(declared('windows-1252'))).toBeInstanceOf(DeclaredEncoding);
    expect(xmlDecoder(declared('UTF-8'))).toBeInstanceOf(Utf8OrWindows1252);
    expect(xmlDecoder(declared('no-such-encoding'))).toBeInstanceOf(Utf8OrWindows1252);
    expect(xmlDecoder(Buffer.from('<a/>'))).toBeInstanceOf(Utf8OrWindows1252);
  });
});
