import {
  decideClose,
  decideServerUser,
  decideStart,
  parsePostmasterPid,
  type ServerObservation,
} from '../../../src/db/embedded/lifecycle';

const READY_PID = '4242\n/data/pg\n1765000000\n45123\n\n127.0.0.1\n  5432001  32768\nready   \n';

describe('postmaster.pid', () => {
  it('reads the pid, the port and the status line', () => {
    expect(parsePostmasterPid(READY_PID)).toEqual({ pid: 4242, port: 45123, status: 'ready' });
  });

  it('reads a server still starting, whose status line is not written yet, as unknown', () => {
    expect(parsePostmasterPid('4242\n/data/pg\n1765000000\n45123\n')).toEqual({
      pid: 4242,
      port: 45123,
      status: 'unknown',
    });
  });

  it('rejects a truncated or garbled file', () => {
    expect(parsePostmasterPid('')).toBeUndefined();
    expect(parsePostmasterPid('abc\n/data/pg\n1\nx\n')).toBeUndefined();
  });
});

describe('what an opener does with the data directory', () => {
  const running: ServerObservation = {
    initialised: true,
    postmaster: { pid: 4242, port: 45123, status: 'ready' },
    postmasterAlive: true,
    ownerAlive: true,
  };

  it('initialises a directory that holds no cluster yet', () => {
    expect(decideStart({ ...running, initialised: false, postmaster: undefined })).toEqual({
      kind: 'initialise',
    });
  });

  it('starts a stopped cluster', () => {
    expect(decideStart({ ...running, postmaster: undefined, postmasterAlive: false })).toEqual({
      kind: 'start',
      clearStalePid: false,
    });
  });

  it('clears the pid file of a dead server (or of a pid now used by another program) and starts', () => {
    expect(decideStart({ ...running, postmasterAlive: false })).toEqual({
      kind: 'start',
      clearStalePid: true,
    });
  });

  it('waits for a server that is starting or stopping', () => {
    for (const status of ['starting', 'stopping', 'unknown'] as const) {
      expect(decideStart({ ...running, postmaster: { pid: 4242, port: 45123, status } })).toEqual({
        kind: 'wait',
      });
    }
  });

  it('connects to a running server whose owner lives, without taking it over', () => {
    expect(decideStart(running)).toEqual({ kind: 'connect', port: 45123, adopt: false });
  });

  it('adopts a running server whose owner died (the app was killed)', () => {
    expect(decideStart({ ...running, ownerAlive: false })).toEqual({
      kind: 'connect',
      port: 45123,
      adopt: true,
    });
  });
});

describe('what a closing process does with the server', () => {
  it('stops the server it owns when nobody else is connected', () => {
    expect(decideClose({ ownedBySelf: true, ownedByOther: false, otherClients: 0 })).toBe('stop');
  });

  it('releases, without stopping, a server others still use', () => {
    expect(decideClose({ ownedBySelf: true, ownedByOther: false, otherClients: 2 })).toBe('release');
  });

  it('leaves alone a server another live process owns', () => {
    expect(decideClose({ ownedBySelf: false, ownedByOther: true, otherClients: 0 })).toBe('leave');
  });

  it('stops an ownerless server as the last one out, and leaves it while others remain', () => {
    expect(decideClose({ ownedBySelf: false, ownedByOther: false, otherClients: 0 })).toBe('stop');
    expect(decideClose({ ownedBySelf: false, ownedByOther: false, otherClients: 1 })).toBe('leave');
  });
});

describe('which user runs the server', () => {
  const postgres = { uid: 101, gid: 104 };

  it('is the current user when it is not root', () => {
    expect(decideServerUser({ uid: 1000, postgresUser: postgres, createUser: false })).toEqual({
      kind: 'self',
    });
  });

  it('is the postgres system user when the process runs as root', () => {
    expect(decideServerUser({ uid: 0, postgresUser: postgres, createUser: false })).toEqual({
      kind: 'as',
      user: postgres,
    });
  });

  it('as root without a postgres user: refused, unless creating it was asked for', () => {
    expect(decideServerUser({ uid: 0, postgresUser: undefined, createUser: false })).toEqual({
      kind: 'refuse',
    });
    expect(decideServerUser({ uid: 0, postgresUser: undefined, createUser: true })).toEqual({
      kind: 'create',
    });
  });
});
