import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../src/errors';
import { envSchema, loadConfig } from '../../../src/config';

describe('loadConfig', () => {
  it('starts in embedded mode with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
    expect(config.storage.kind).toBe('local');
    expect(config.sat.mode).toBe('simulator');
    expect(Object.isFrozen(config.sat)).toBe(true);
  });

  it('switches to production with a database and requires a master key there', () => {
    const env = { DATABASE_URL: 'postgres://db/app' };
    expect(() => loadConfig(env)).toThrow(/MASTER_KEY/);
    const config = loadConfig({ ...env, MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(config.sat.mode).toBe('production');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ MASTER_KEY: 'c2hvcnQ=' }, 'MASTER_KEY'],
    [{ S3_ENDPOINT: 'http://minio:9000' }, 'S3_ACCESS_KEY'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ WORKERS_ENABLED: 'maybe' }, 'WORKERS_ENABLED'],
  ])('rejects %o naming %s', (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).params.variable).toBe(variable);
    expect((thrown as ConfigError).message).toContain(variable);
  });

  it('polls the simulator when it is done, and SAT no sooner than after 30 s', () => {
    const master = { MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    // The simulator keeps a request Aceptada for its delay, then as long EnProceso.
    expect(loadConfig({}).simulator.delaySeconds).toBe(1);
    expect(loadConfig({}).workers.verifyInitialDelaySeconds).toBe(2);
    expect(loadConfig({ SIMULATOR_DELAY_SECONDS: '5' }).workers.verifyInitialDelaySeconds).toBe(10);
    expect(loadConfig({ SIMULATOR_DELAY_SECONDS: '0' }).workers.verifyInitialDelaySeconds).toBe(1);
    expect(loadConfig({ SAT_MODE: 'production', ...master }).workers.verifyInitialDelaySeconds).toBe(30);
    // The simulator's delay says nothing about SAT.
    const production = { SAT_MODE: 'production', SIMULATOR_DELAY_SECONDS: '0', ...master };
    expect(loadConfig(production).workers.verifyInitialDelaySeconds).toBe(30);
    expect(loadConfig(production).workers.verifyMaxDelaySeconds).toBe(3600);
    expect(loadConfig({ VERIFY_INITIAL_DELAY_SECONDS: '7' }).workers.verifyInitialDelaySeconds).toBe(7);
  });

  it('reads SIZING_MAX_WAIT as seconds or with a unit, three hours when unset', () => {
    expect(loadConfig({}).workers.sizingMaxWaitSeconds).toBe(3 * 3600);
    expect(loadConfig({ SIZING_MAX_WAIT: '' }).workers.sizingMaxWaitSeconds).toBe(3 * 3600);
    const cases: [string, number][] = [
      ['45', 45],
      ['30s', 30],
      ['90m', 5400],
      ['3h', 10_800],
      ['2d', 172_800],
      [' 5s ', 5],
      ['30d', 2_592_000],
    ];
    for (const [value, seconds] of cases)
      expect(loadConfig({ SIZING_MAX_WAIT: value }).workers.sizingMaxWaitSeconds).toBe(seconds);
  });

  it.each(['0', '0h', '-5', '1.5h', '3 h', '3H', '1h30m', '3hours', 'h', '31d', '99999999999999999999'])(
    'rejects SIZING_MAX_WAIT=%s naming it and saying what it takes',
    (value) => {
      let thrown: unknown;
      try {
        loadConfig({ SIZING_MAX_WAIT: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).params.variable).toBe('SIZING_MAX_WAIT');
      expect((thrown as ConfigError).message).toMatch(/SIZING_MAX_WAIT.*duration.*90m/);
    },
  );

  it('selects S3 storage when the three S3 variables are set', () => {
    const config = loadConfig({ S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' });
    expect(config.storage).toMatchObject({ kind: 's3', bucket: 'descarga-masiva' });
  });

  it('documents exactly the schema variables in the README table', () => {
    const readme = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    const table = readme.split('<!-- config-table:start -->')[1]?.split('<!-- config-table:end -->')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });
});
