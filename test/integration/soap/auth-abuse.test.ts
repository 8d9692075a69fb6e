import { randomBytes } from 'node:crypto';
import {
  type Credentials,
  callSoap,
  closeAgents,
  digestHeader,
  floodWithForgedDigests,
  median,
} from '../../helpers/soap-auth-calls';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * F5: nonces of tokens nobody verified must not fill the nonce cache and lock PasswordDigest
 * clients out. F9: an unknown user must cost as much time as an existing one with a wrong secret.
 * The failure throttle is raised out of the way: these tests are about what lies behind it.
 */

describe('SOAP authentication under abuse', () => {
  let application: PostgresTestApp;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_auth_abuse',
      env: {
        WORKERS_ENABLED: 'false',
        AUTH_FAILURES_PER_IP: '10000000',
        AUTH_FAILURES_PER_USERNAME: '10000000',
      },
    });
  });

  afterAll(async () => {
    closeAgents();
    await application.close();
  });

  it('answers an unknown user as slowly as an existing one with a wrong secret (Basic and PasswordText)', async () => {
    const credentials = (username: string, index: number): Credentials => {
      const secret = { username, password: `equivocada-${index}` };
      return index % 2 === 0 ? { basic: secret } : { text: secret };
    };
    // Warm-up: connections, statement cache, the decoy hash.
    for (let i = 0; i < 4; i += 1) {
      await callSoap(application.url, credentials('demo', i));
      await callSoap(application.url, credentials(`nadie-${i}`, i));
    }
    const existing: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so a change of machine load weighs on both sides alike.
    for (let i = 0; i < 50; i += 1) {
      const pair: [string, number[]][] = [
        ['demo', existing],
        [`nadie-${i}`, unknown],
      ];
      if (i % 2 === 1) pair.reverse();
      for (const [username, times] of pair) {
        const answer = await callSoap(application.url, credentials(username, i));
        expect(answer.code).toBe('DM-3001');
        times.push(answer.ms);
      }
    }
    const ratio = median(unknown) / median(existing);
    console.log(
      `F9 medians over 50 calls: existing user ${median(existing).toFixed(1)} ms, ` +
        `unknown user ${median(unknown).toFixed(1)} ms, ratio ${ratio.toFixed(3)}`,
    );
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
  }, 180_000);

  it('still lets a valid PasswordDigest in after 110 000 random-nonce tokens of unknown users, and refuses its replay', async () => {
    // Past the 100 000 nonces the cache held before it refused everyone.
    const total = 110_000;
    const started = performance.now();
    const tally = await floodWithForgedDigests(application.url, total);
    console.log(
      `F5: ${total} forged digest tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      tally,
    );
    expect(tally).toEqual({ '500 DM-3001': total });

    const valid = digestHeader('demo', 'demo', randomBytes(16));
    const first = await callSoap(application.url, { digestHeader: valid });
    expect([first.status, first.code]).toEqual([200, undefined]);
    const replay = await callSoap(application.url, { digestHeader: valid });
    expect([replay.status, replay.code]).toEqual([500, 'DM-3001']);
  }, 600_000); // about 3 minutes on a loaded 2-core machine (some 600 calls a second)
});
