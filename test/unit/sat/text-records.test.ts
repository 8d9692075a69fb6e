import { Readable } from 'node:stream';
import { RecordTooLongError, textRecordBatches, textRecords, type TextRecord } from '../../../src/sat';

/*
 * Records come in batches (those each chunk of the entry completes). However the bytes are cut into
 * chunks, the batches put end to end must be the records of the whole text: same numbers, same text,
 * a record cut over two chunks read once, whole.
 */

function chunksOf(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

async function batchesOf(text: string, size: number): Promise<TextRecord[][]> {
  const batches: TextRecord[][] = [];
  for await (const batch of textRecordBatches(chunksOf(text, size))) batches.push(batch);
  return batches;
}

const CRLF = 'Uuid~Nombre\r\nA~uno\r\nB~dos con\nsalto\r\n\r\nC~ñandú 😀\r\nD~sin fin';
const LF = 'Uuid~Nombre\nA~uno\r\nB~dos\n\nC~tres\n';

describe('textRecordBatches', () => {
  it('gives the same records whatever the chunk size, a record cut between chunks read whole', async () => {
    const expected = {
      [CRLF]: [
        { number: 1, text: 'Uuid~Nombre' },
        { number: 2, text: 'A~uno' },
        { number: 3, text: 'B~dos consalto' },
        { number: 4, text: '' },
        { number: 5, text: 'C~ñandú 😀' },
        { number: 6, text: 'D~sin fin' },
      ],
      [LF]: [
        { number: 1, text: 'Uuid~Nombre' },
        { number: 2, text: 'A~uno' },
        { number: 3, text: 'B~dos' },
        { number: 4, text: '' },
        { number: 5, text: 'C~tres' },
      ],
    };
    for (const [text, records] of Object.entries(expected)) {
      for (const size of [1, 2, 3, 5, 7, 13, 64, 1024]) {
        const batches = await batchesOf(text, size);
        expect([size, batches.flat()]).toEqual([size, records]);
        expect(batches.every((batch) => batch.length > 0)).toBe(true);
      }
      const whole = await batchesOf(text, 1024);
      expect(whole).toHaveLength(text === CRLF ? 2 : 1);
    }
  });

  it('textRecords gives the same records one at a time', async () => {
    const records: TextRecord[] = [];
    for await (const record of textRecords(chunksOf(CRLF, 4))) records.push(record);
    expect(records).toEqual((await batchesOf(CRLF, 4)).flat());
  });

  it('gives the records before one too long, then says which record it was', async () => {
    const text = `H\r\nA\r\n${'x'.repeat(2 * 1024 * 1024)}\r\nB\r\n`;
    const seen: TextRecord[] = [];
    let failure: unknown;
    try {
      for await (const batch of textRecordBatches(chunksOf(text, 64 * 1024))) seen.push(...batch);
    } catch (error) {
      failure = error;
    }
    expect(seen.map((record) => `${record.number}:${record.text.slice(0, 10)}`)).toEqual(['1:H', '2:A']);
    expect(failure).toBeInstanceOf(RecordTooLongError);
    expect((failure as RecordTooLongError).line).toBe(3);
  });
});
