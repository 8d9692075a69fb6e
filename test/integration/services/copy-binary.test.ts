import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CopyBinaryWriter, encodedText, encodedUuid } from '../../../src/services/pipeline/copy-binary';
import { storableAmount } from '../../../src/services/pipeline/metadata-record';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/*
 * Metadata reaches cfdi_metadata through a binary COPY, so each value is encoded by us rather than
 * parsed by PostgreSQL. Every value here is stored both ways, binary through CopyBinaryWriter and as
 * text through PostgreSQL's own input functions, and the two must be equal: same text, same UUID, same
 * instant, same numeric with the same scale (and the same rounding into numeric(24,6)), same jsonb.
 */

interface Case {
  readonly text: string | null;
  readonly uuid: string | null;
  readonly instant: number | null;
  readonly amount: string | null;
  readonly json: string | null;
}

const AMOUNTS = [
  '0',
  '-0',
  '0.0',
  '00.000',
  '-0.000001',
  '1',
  '-1',
  '9999',
  '10000',
  '10000.0001',
  '0.0001',
  '0.00001',
  '0.1',
  '1500.5',
  '1500.50',
  '000123.4500',
  '12345678.9',
  '123456789012345678.123456',
  '-123456789012345678.1234565',
  '1.23456789',
  '0.0000005',
  '99999999.99999999',
  '100000000',
  '1000000000000',
];

const TEXTS = [
  '',
  'plain',
  'TABS\tBACK\\SLASH\nLINE\rCR "COMILLAS" & ÑANDÚ \\N',
  'ÑANDÚ',
  '😀 emoji and 中文',
  '\ud800 lone surrogate',
  'é'.repeat(40_000),
  'x'.repeat(100_000),
];

const INSTANTS = [
  0,
  -1,
  946_684_800_000,
  946_684_799_999,
  Date.parse('1950-06-01T18:36:36Z'),
  Date.parse('1900-01-01T00:00:00Z'),
  Date.parse('2024-03-01T16:00:00Z'),
  Date.parse('2099-12-31T23:59:59.999Z'),
];

/** A decimal as SAT writes one: optional sign, integer digits (maybe none significant), maybe a fraction. */
function randomAmount(random: () => number): string {
  const digits = (count: number): string =>
    Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
  const integer = digits(1 + Math.floor(random() * 18));
  const fraction = random() < 0.7 ? `.${digits(1 + Math.floor(random() * 12))}` : '';
  return `${random() < 0.2 ? '-' : ''}${integer}${fraction}`;
}

/** A small deterministic generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function cases(): Case[] {
  const random = seeded(20_261_207);
  const all: Case[] = [{ text: null, uuid: null, instant: null, amount: null, json: null }];
  const count = Math.max(AMOUNTS.length, TEXTS.length, INSTANTS.length) + 3_000;
  for (let index = 0; index < count; index += 1) {
    all.push({
      text: TEXTS[index] ?? `row ${index}`,
      uuid: index % 3 === 0 ? randomUUID().toUpperCase() : randomUUID(),
      instant: INSTANTS[index] ?? Math.floor(Date.parse('1900-01-01T00:00:00Z') + random() * 6.3e12),
      amount: AMOUNTS[index] ?? randomAmount(random),
      json: index % 2 === 0 ? JSON.stringify({ Nueva: `v"alor\\ ${index}`, Ñ: '😀' }) : null,
    });
  }
  return all;
}

describe('CopyBinaryWriter (PostgreSQL binary COPY)', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase('copy_binary', { migrate: false });
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('stores every value exactly as PostgreSQL reads the same value written as text', async () => {
    const all = cases();
    await client.query(`CREATE TABLE binary_rows (id int8, t text, u uuid, ts timestamptz, n numeric,
      m numeric(24,6), j jsonb, k text, p uuid)`);
    const writer = new CopyBinaryWriter();
    const constantText = encodedText('CONSTANTE Ñ');
    const constantUuid = encodedUuid('0A1B2C3D-4E5F-4A6B-8C7D-000000000001');
    const chunks: Buffer[] = [];
    all.forEach((row, index) => {
      writer.row(9);
      writer.int8(index - 1);
      writer.text(row.text);
      writer.uuid(row.uuid);
      writer.timestamp(row.instant);
      writer.numeric(row.amount);
      writer.numeric(row.amount);
      writer.jsonb(row.json);
      writer.raw(constantText);
      writer.raw(constantUuid);
      chunks.push(...writer.take());
    });
    chunks.push(...writer.end());
    expect(chunks.length).toBeGreaterThan(3);
    await pipeline(
      Readable.from(chunks),
      client.query(copyFrom('COPY binary_rows FROM STDIN (FORMAT binary)')),
    );

    const { rows } = await client.query<{ id: string; same: boolean[] }>(
      `SELECT c.id, ARRAY[
           c.t IS NOT DISTINCT FROM e.t,
           c.u IS NOT DISTINCT FROM e.u::uuid,
           c.ts IS NOT DISTINCT FROM e.ts::timestamptz,
           c.n::text IS NOT DISTINCT FROM e.n::numeric::text,
           c.m::text IS NOT DISTINCT FROM e.n::numeric(24,6)::text,
           c.j IS NOT DISTINCT FROM e.j::jsonb,
           c.k = 'CONSTANTE Ñ',
           c.p = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001'] AS same
         FROM binary_rows c
         JOIN unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS e(id, t, u, ts, n, j)
           USING (id)`,
      [
        all.map((_, index) => index - 1),
        all.map((row) => row.text),
        all.map((row) => row.uuid),
        all.map((row) => (row.instant === null ? null : new Date(row.instant).toISOString())),
        all.map((row) => row.amount),
        all.map((row) => row.json),
      ],
    );
    expect(rows).toHaveLength(all.length);
    const different = rows.filter((row) => row.same.includes(false));
    expect(different.map((row) => ({ row: all[Number(row.id) + 1], same: row.same }))).toEqual([]);
  });

  it('stores an amount cut after its 7th decimal exactly as PostgreSQL rounds the whole amount', async () => {
    const random = seeded(7);
    const amounts = [
      ...AMOUNTS,
      ...Array.from({ length: 2_000 }, () => {
        const amount = randomAmount(random);
        // Past the 7th decimal: digits the column's rounding never looks at.
        return `${amount}${amount.includes('.') ? '' : '.'}${'4999995'.slice(0, 1 + Math.floor(random() * 7))}`;
      }),
    ];
    const cut = amounts.map((amount) => storableAmount(amount) ?? null);
    expect(cut.every((amount) => amount !== null)).toBe(true);
    const { rows } = await client.query<{ whole: string; cut: string }>(
      `SELECT w::numeric(24,6)::text AS whole, c::numeric(24,6)::text AS cut
         FROM unnest($1::text[], $2::text[]) AS x(w, c)`,
      [amounts, cut],
    );
    expect(rows.filter((row) => row.whole !== row.cut)).toEqual([]);
  });

  it('refuses to encode what is not a UUID rather than send other bytes', () => {
    const writer = new CopyBinaryWriter();
    for (const text of ['0a1b2c3d-4e5f-4a6b-8c7d-00000000000', '0a1b2c3d-4e5f-4a6b-8c7d-00000000000g', 'x'])
      expect(() => writer.uuid(text)).toThrow('is not a UUID');
  });
});
