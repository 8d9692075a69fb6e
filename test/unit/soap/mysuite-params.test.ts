import { ValidationError } from '../../../src/errors';
import {
  MAX_PARAMETER_BASE64_CHARS,
  MAX_PARAMETER_DEPTH,
  parseDictionary,
  parseFilters,
} from '../../../src/soap/mysuite/params';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A Dictionary `depth` levels deep in all (the Dictionary itself is the first). */
function nested(depth: number): string {
  const inner = depth - 1;
  return b64(`<Dictionary name="Params">${'<a>'.repeat(inner)}${'</a>'.repeat(inner)}</Dictionary>`);
}

function refusal(action: () => unknown): { code: string; reason: unknown } | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, reason: error.params.reason };
    throw error;
  }
  return undefined;
}

describe('MYSuite parameter documents', () => {
  it(`accepts nesting up to ${MAX_PARAMETER_DEPTH} levels and refuses one more with DM-2002`, () => {
    expect(refusal(() => parseDictionary(nested(MAX_PARAMETER_DEPTH)))).toBeUndefined();
    expect(refusal(() => parseDictionary(nested(MAX_PARAMETER_DEPTH + 1)))).toEqual({
      code: 'DM-2002',
      reason: 'nested deeper than 32 levels',
    });
  });

  it('refuses a document 50k levels deep at its 33rd level', () => {
    const started = process.hrtime.bigint();
    expect(refusal(() => parseDictionary(nested(50_000)))?.reason).toBe('nested deeper than 32 levels');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Not a timing assertion: the figure is only reported.
    console.info(`50k-deep Data1 refused in ${ms.toFixed(1)} ms`);
  });

  it('bounds Filters the same way as Data1', () => {
    const deepFilters = b64(`<Filters>${'<f>'.repeat(40)}${'</f>'.repeat(40)}</Filters>`);
    expect(refusal(() => parseFilters(deepFilters))).toEqual({
      code: 'DM-2002',
      reason: 'nested deeper than 32 levels',
    });
  });

  it(`refuses more than ${MAX_PARAMETER_BASE64_CHARS} Base64 characters before decoding`, () => {
    const atLimit = b64(`<Dictionary name="Params"><Entry k="a" v="${'x'.repeat(300_000)}"/></Dictionary>`);
    expect(atLimit.length).toBeLessThanOrEqual(MAX_PARAMETER_BASE64_CHARS);
    expect(parseDictionary(atLimit).get('a')).toHaveLength(300_000);
    const over = b64(`<Dictionary name="Params"><Entry k="a" v="${'x'.repeat(400_000)}"/></Dictionary>`);
    expect(refusal(() => parseDictionary(over))).toEqual({
      code: 'DM-2002',
      reason: 'larger than 524288 Base64 characters',
    });
  });

  it('still refuses what is not well-formed, and reads a normal Dictionary', () => {
    expect(refusal(() => parseDictionary(b64('<Dictionary><Entry k="a"></Dictionary>')))?.reason).toBe(
      'not well-formed XML',
    );
    expect([...parseDictionary(b64('<Dictionary name="Params"><Entry k="Id" v="7"/></Dictionary>'))]).toEqual(
      [['id', '7']],
    );
  });
});
