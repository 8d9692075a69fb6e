import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.join(__dirname, '..', '..', '..', 'scripts', 'test-prerequisites.sh');

/** The real path of a tool the script itself uses, found on this process's PATH. */
function which(tool: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${tool} not found on PATH`);
}

const bash = which('bash');

interface FakeSystem {
  uid?: number;
  /** Installed packages; undefined: no dpkg at all (not a Debian system). */
  installed?: string[];
  sudo?: boolean;
  aptGet?: 'ok' | 'fails' | 'absent';
  /** Whether pg_isready answers; 'after-start': only once pg_ctlcluster has run. */
  postgres?: 'up' | 'down' | 'after-start' | 'no-pg_isready';
  /** pg_lsclusters lines; undefined: no postgresql-common (no pg_lsclusters, no pg_ctlcluster). */
  clusters?: string[];
  psqlError?: string;
  env?: Record<string, string>;
}

/**
 * Runs the script on a PATH that holds only stubs of the system commands it calls (each stub records its
 * arguments in calls.log) and the few real tools it needs, so nothing on this machine is queried or changed.
 */
function run(packages: string[], fake: FakeSystem = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dm-prereq-'));
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'calls.log');
  const flag = path.join(dir, 'started');
  try {
    mkdirSync(bin);
    for (const tool of ['grep', 'sort', 'sleep']) symlinkSync(which(tool), path.join(bin, tool));
    const stub = (name: string, body: string) => {
      writeFileSync(path.join(bin, name), `#!${bash}\necho "${name} $*" >> '${log}'\n${body}\n`);
      chmodSync(path.join(bin, name), 0o755);
    };
    stub('id', `echo ${fake.uid ?? 1000}`);
    stub('sudo', fake.sudo ? '[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; exec "$@"' : 'exit 1');
    if (fake.installed !== undefined) {
      const cases = fake.installed.map((p) => `  ${p}) echo 'Status: install ok installed' ;;`).join('\n');
      stub('dpkg', `case "$2" in\n${cases}\n  *) exit 1 ;;\nesac`);
    }
    if (fake.aptGet !== 'absent') stub('apt-get', fake.aptGet === 'fails' ? 'exit 100' : 'exit 0');
    stub('env', 'exit 0');
    const postgres = fake.postgres ?? 'up';
    if (postgres !== 'no-pg_isready') {
      const ready = { up: 'exit 0', down: 'exit 2', 'after-start': `[ -e '${flag}' ] || exit 2` }[postgres];
      stub('pg_isready', ready);
    }
    if (fake.clusters !== undefined) {
      stub('pg_lsclusters', fake.clusters.map((line) => `echo '${line}'`).join('\n') || 'exit 0');
      stub('pg_ctlcluster', `: > '${flag}'`);
    }
    stub('psql', fake.psqlError ? `echo '${fake.psqlError}' >&2; exit 2` : 'exit 0');
    const list = path.join(dir, 'apt-packages.txt');
    writeFileSync(list, `# a comment\n\n${packages.join('\n')}\n`);

    const result = spawnSync(bash, [script], {
      encoding: 'utf8',
      env: {
        PATH: bin,
        TEST_PREREQUISITES_PACKAGES_FILE: list,
        TEST_PREREQUISITES_PG_PORT: '59999',
        TEST_PREREQUISITES_PG_WAIT: '1',
        ...fake.env,
      },
    });
    let calls: string[] = [];
    try {
      calls = readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      // no stub was called
    }
    const lines = result.stderr.trim().split('\n');
    return { status: result.status, lines, last: lines[lines.length - 1], calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('scripts/test-prerequisites.sh (npm pretest, .ci/run)', () => {
  it('passes at once when every package is installed and Postgres answers', () => {
    const result = run(['openssl', 'ruby'], { installed: ['openssl', 'ruby'] });
    expect(result.status).toBe(0);
    expect(result.lines).toEqual(['test prerequisites: ok (2 Debian packages, Postgres at 127.0.0.1:59999)']);
    expect(result.calls.filter((c) => c.startsWith('apt-get') || c.startsWith('pg_ctlcluster'))).toEqual([]);
  });

  it('stops with one line naming the missing packages and the command that installs them (not root)', () => {
    const result = run(['openssl', 'dm-no-such-package'], { installed: ['openssl'] });
    expect(result.status).not.toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.last).toMatch(/missing Debian packages the tests use: dm-no-such-package;/);
    expect(result.last).toContain('install them with: sudo apt-get install -y dm-no-such-package');
    expect(result.last).toContain('SKIP_TEST_PREREQUISITES=1');
    expect(result.calls.some((c) => c.startsWith('apt-get'))).toBe(false);
  });

  it('installs the missing packages when it runs as root, then goes on', () => {
    const result = run(['openssl', 'dm-no-such-package'], { uid: 0, installed: ['openssl'] });
    expect(result.status).toBe(0);
    expect(result.calls).toContain('apt-get update -qq');
    expect(result.calls).toContain(
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dm-no-such-package',
    );
  });

  it('installs them through passwordless sudo', () => {
    const result = run(['dm-no-such-package'], { installed: [], sudo: true });
    expect(result.status).toBe(0);
    expect(result.calls).toContain('sudo -n apt-get update -qq');
  });

  it('prints the install commands instead of running them under TEST_PREREQUISITES_DRY_RUN=1', () => {
    const result = run(['dm-no-such-package'], {
      uid: 0,
      installed: [],
      env: { TEST_PREREQUISITES_DRY_RUN: '1' },
    });
    expect(result.status).toBe(0);
    expect(result.lines).toContain(
      'test prerequisites: would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dm-no-such-package',
    );
    expect(result.calls.some((c) => c.startsWith('apt-get'))).toBe(false);
  });

  it('names the apt-get failure and the command to try by hand', () => {
    const result = run(['dm-no-such-package'], { uid: 0, installed: [], aptGet: 'fails' });
    expect(result.status).not.toBe(0);
    expect(result.last).toBe(
      'test prerequisites: apt-get could not install dm-no-such-package; try it by hand: sudo apt-get update && sudo apt-get install -y dm-no-such-package',
    );
  });

  it('on a system without dpkg names the packages in one line and checks only Postgres', () => {
    const result = run(['openssl', 'ruby']);
    expect(result.status).toBe(0);
    expect(result.lines).toHaveLength(2);
    expect(result.lines[0]).toMatch(/^test prerequisites: not a Debian system \(no dpkg\): .*openssl ruby/);
    expect(result.last).toBe('test prerequisites: ok (Postgres at 127.0.0.1:59999)');
  });

  it('stops with one line when Postgres is down and there is no cluster tool to start it', () => {
    const result = run(['openssl'], { installed: ['openssl'], postgres: 'down' });
    expect(result.status).not.toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.last).toMatch(/Postgres is not answering on 127\.0\.0\.1:59999 and pg_lsclusters/);
    expect(result.last).toContain('sudo apt-get install -y postgresql');
    expect(result.last).toContain('user postgres and trust auth');
  });

  it('stops with one line when no cluster listens on the port', () => {
    const result = run(['openssl'], {
      installed: ['openssl'],
      postgres: 'down',
      clusters: ['15 main 5432 down postgres /var/lib/postgresql/15/main x'],
    });
    expect(result.status).not.toBe(0);
    expect(result.last).toMatch(/pg_lsclusters shows no cluster on that port/);
  });

  it('starts the local cluster on the port (any version) when it runs as root and waits for it', () => {
    const result = run(['openssl'], {
      uid: 0,
      installed: ['openssl'],
      postgres: 'after-start',
      clusters: ['17 main 59999 down postgres /var/lib/postgresql/17/main x'],
    });
    expect(result.status).toBe(0);
    expect(result.calls).toContain('pg_ctlcluster --skip-systemctl-redirect 17 main start');
    expect(result.last).toBe('test prerequisites: ok (1 Debian packages, Postgres at 127.0.0.1:59999)');
  });

  it('without root or sudo, names the command that starts the cluster when it cannot', () => {
    const result = run(['openssl'], {
      installed: ['openssl'],
      postgres: 'down',
      clusters: ['17 main 59999 down postgres /var/lib/postgresql/17/main x'],
    });
    expect(result.status).not.toBe(0);
    expect(result.last).toMatch(
      /does not answer on 127\.0\.0\.1:59999 after 1s; start it with: sudo pg_ctlcluster 17 main start/,
    );
  });

  it('names trust auth when Postgres answers but refuses the login', () => {
    const result = run(['openssl'], {
      installed: ['openssl'],
      psqlError: 'psql: error: fe_sendauth: no password supplied',
    });
    expect(result.status).not.toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.last).toMatch(/cannot log in \(psql: error: fe_sendauth: no password supplied\)/);
    expect(result.last).toContain("'host all postgres 127.0.0.1/32 trust'");
  });

  it('is skipped with SKIP_TEST_PREREQUISITES=1', () => {
    const result = run(['dm-no-such-package'], { installed: [], env: { SKIP_TEST_PREREQUISITES: '1' } });
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([]);
  });
});
