import { Client } from 'pg';
import {
  type CallAnswer,
  callSoap,
  closeAgents,
  digestHeader,
  median,
  signInFrom,
} from '../../helpers/soap-auth-calls';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { passesWithin } from '../../helpers/eventually';

/*
 * Failed authentications are throttled before any secret is checked: per client address and per
 * username as sent, answering 429 with Retry-After (DM-3020), while /healthz keeps answering.
 * Each test plays its clients from its own loopback addresses, so their counters do not meet.
 */

const WINDOW_SECONDS = 15;
const LIMIT = 20;

function tally(answers: readonly CallAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = `${answer.status} ${answer.code ?? 'ok'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('throttling SOAP authentication', () => {
  let application: PostgresTestApp;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_auth_throttle',
      env: {
        WORKERS_ENABLED: 'false',
        AUTH_FAILURES_PER_IP: String(LIMIT),
        AUTH_FAILURES_PER_USERNAME: String(LIMIT),
        AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
    });
  });

  afterAll(async () => {
    closeAgents();
    await application.close();
  });

  it('answers a wrong-password flood from one address with 429 and Retry-After, /healthz staying fast, and lets a valid caller in after the window', async () => {
    const flooder = '127.0.0.2';
    const answers: CallAnswer[] = [];
    let flooding = true;
    let guess = 0;
    const flood = async (): Promise<void> => {
      while (flooding) {
        guess += 1;
        const credentials = { basic: { username: 'demo', password: `adivina-${guess}` } };
        answers.push(await callSoap(application.url, credentials, flooder));
      }
    };
    const health: number[] = [];
    const probe = async (): Promise<void> => {
      while (flooding) {
        const started = performance.now();
        const response = await fetch(`${application.url}/healthz`);
        await response.arrayBuffer();
        expect(response.status).toBe(200);
        health.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const floods = Array.from({ length: 32 }, flood);
    const probing = probe();
    // Until the limit is reached (scrypt pace decides when), then one more second of refusals.
    await passesWithin(() => answers.some((answer) => answer.code === 'DM-3020'), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    flooding = false;
    await Promise.all([...floods, probing]);

    const counts = tally(answers);
    console.log('wrong-password flood', counts, `healthz median ${median(health).toFixed(1)} ms`, {
      healthzMaxMs: Math.max(...health).toFixed(1),
      probes: health.length,
    });
    // DM-3020: the address is over its limit; DM-3021: more guesses at once than scrypt is given.
    expect(answers.filter((answer) => answer.code === 'DM-3020').length).toBeGreaterThan(0);
    const refused = answers.filter((answer) => answer.code === 'DM-3020' || answer.code === 'DM-3021');
    expect(refused.every((answer) => answer.status === 429)).toBe(true);
    const retryAfter = refused.map((answer) => Number(answer.retryAfter));
    expect(retryAfter.every((seconds) => seconds >= 1 && seconds <= WINDOW_SECONDS)).toBe(true);
    expect(Object.keys(counts).filter((key) => !/^(500 DM-3001|429 DM-302[01])$/.test(key))).toEqual([]);
    // Secrets checked: at most the limit plus the calls already in flight when it was reached.
    expect(counts['500 DM-3001'] ?? 0).toBeLessThanOrEqual(LIMIT + 32);
    // Tolerant: the flood must not hold /healthz up the way it did (2.7 s), not a tight timer.
    expect(median(health)).toBeLessThan(250);

    // Over the limit, even the right password waits; after the window it gets in.
    const early = await callSoap(application.url, { basic: { username: 'demo', password: 'demo' } }, flooder);
    expect([early.status, early.code]).toEqual([429, 'DM-3020']);
    await new Promise((resolve) => setTimeout(resolve, Number(early.retryAfter) * 1000 + 200));
    const after = await callSoap(application.url, { basic: { username: 'demo', password: 'demo' } }, flooder);
    expect([after.status, after.code]).toEqual([200, undefined]);
  });

  it('throttles wrong PasswordDigest guesses as well', async () => {
    const guesser = '127.0.0.3';
    const answers: CallAnswer[] = [];
    for (let i = 0; i < 60; i += 1) {
      // A new name each time: only the address counter adds these up.
      const credentials = { digestHeader: digestHeader(`quien-${i}`, `guess-${i}`) };
      answers.push(await callSoap(application.url, credentials, guesser));
    }
    expect(tally(answers)).toEqual({ '500 DM-3001': LIMIT, '429 DM-3020': 60 - LIMIT });

    // Each failure leaves an audit row; a throttled call, which costs nothing, leaves none.
    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    try {
      let rows: { codigo: string; n: number }[] = [];
      for (let attempt = 0; attempt < 50; attempt += 1) {
        ({ rows } = await pg.query<{ codigo: string; n: number }>(
          `SELECT codigo, count(*)::int AS n FROM audit_log WHERE ip LIKE '%${guesser}' GROUP BY codigo`,
        ));
        if (rows.some((row) => row.n >= LIMIT)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(rows).toEqual([{ codigo: 'DM-3001', n: LIMIT }]);
    } finally {
      await pg.end();
    }
  });

  it('keeps an ERP that authenticated from an address working while that address is throttled (one proxy for all)', async () => {
    const proxy = '127.0.0.5';
    const demo = (): { digestHeader: string } => ({ digestHeader: digestHeader('demo', 'demo') });
    expect((await callSoap(application.url, demo(), proxy)).status).toBe(200);
    for (let i = 0; i < LIMIT; i += 1) {
      const answer = await callSoap(
        application.url,
        { digestHeader: digestHeader(`desconocido-${i}`, 'x') },
        proxy,
      );
      expect(answer.code).toBe('DM-3001');
    }
    const newcomer = await callSoap(application.url, { digestHeader: digestHeader('otro', 'x') }, proxy);
    expect([newcomer.status, newcomer.code]).toEqual([429, 'DM-3020']);
    const erp = await callSoap(application.url, demo(), proxy);
    expect([erp.status, erp.code]).toEqual([200, undefined]);
  });

  it('throttles a username across addresses, existing or not, but not the address it authenticated from', async () => {
    const erp = '127.0.0.4';
    const ok = await callSoap(application.url, { digestHeader: digestHeader('demo', 'demo') }, erp);
    expect(ok.status).toBe(200);
    for (const username of ['demo', 'nadie']) {
      for (let i = 0; i < LIMIT; i += 1) {
        // A different address each time: only the username counter can add these up.
        const credentials = { digestHeader: digestHeader(username, `mal-${i}`) };
        const answer = await callSoap(application.url, credentials, `127.0.1.${i + 1}`);
        expect(answer.code).toBe('DM-3001');
      }
      const credentials = { digestHeader: digestHeader(username, 'x') };
      const refused = await callSoap(application.url, credentials, '127.0.2.1');
      expect([refused.status, refused.code]).toEqual([429, 'DM-3020']);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // The ERP's own address authenticated as demo before the flood: it is not locked out.
    const still = await callSoap(application.url, { digestHeader: digestHeader('demo', 'demo') }, erp);
    expect([still.status, still.code]).toEqual([200, undefined]);
    // Another address with the right secret still waits: nothing tells it apart from a guesser.
    const stranger = await callSoap(
      application.url,
      { digestHeader: digestHeader('demo', 'demo') },
      '127.0.2.2',
    );
    expect([stranger.status, stranger.code]).toEqual([429, 'DM-3020']);
  });

  it('throttles web sign-ins per address and per login with 429 and Retry-After, checking no password then, on counters of their own', async () => {
    const guesser = '127.0.3.1';
    const answers = [];
    for (let i = 0; i < LIMIT + 5; i += 1) {
      // Unknown logins: only the address counter adds these up, and no account gets locked.
      answers.push(await signInFrom(application.url, `nadie-${i}@ejemplo.mx`, 'mala', guesser));
    }
    expect(answers.map((answer) => answer.status)).toEqual([
      ...Array<number>(LIMIT).fill(401),
      ...Array<number>(5).fill(429),
    ]);
    const retryAfter = Number(answers.at(-1)?.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    // Over the limit even the right password waits, and is not counted against the account.
    const right = await signInFrom(application.url, 'demo', 'demo', guesser);
    expect([right.status, right.signedIn]).toEqual([429, false]);
    expect(await signInFrom(application.url, 'demo', 'demo', '127.0.3.2')).toMatchObject({
      status: 303,
      signedIn: true,
    });
    // The SOAP bindings count their own failures: the address is still checked there, not refused.
    const soap = await callSoap(
      application.url,
      { basic: { username: 'erp-de-la-web', password: 'mala' } },
      guesser,
    );
    expect([soap.status, soap.code]).toEqual([500, 'DM-3001']);

    // A login guessed from many addresses is held back by its own counter.
    for (let i = 0; i < LIMIT; i += 1) {
      const answer = await signInFrom(application.url, 'objetivo@ejemplo.mx', `mal-${i}`, `127.0.4.${i + 1}`);
      expect(answer.status).toBe(401);
    }
    const held = await signInFrom(application.url, 'objetivo@ejemplo.mx', 'x', '127.0.5.1');
    expect(held.status).toBe(429);

    // After the window the guesser's address may try again, and the right password signs in.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 200));
    expect(await signInFrom(application.url, 'demo', 'demo', guesser)).toMatchObject({
      status: 303,
      signedIn: true,
    });
  });
});
