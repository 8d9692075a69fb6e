/**
 * The embedded server's lifecycle rules, kept apart from the processes and files they act on.
 *
 * One data directory has at most one PostgreSQL server (its own `postmaster.pid` guarantees that), and
 * at most one *owner*: the process that started it, or adopted it after its starter died. The owner
 * stops the server when it closes, unless other processes are still connected; everyone else only
 * connects.
 */

/** What `postmaster.pid` says (PostgreSQL 10+ layout: pid, data dir, start time, port, socket, address, key, status). */
export interface PostmasterPid {
  readonly pid: number;
  readonly port: number;
  readonly status: 'starting' | 'ready' | 'stopping' | 'standby' | 'unknown';
}

export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  const status = (lines[7] ?? '').trim();
  const known = ['starting', 'ready', 'stopping', 'standby'] as const;
  return {
    pid,
    port,
    status: (known as readonly string[]).includes(status) ? (status as PostmasterPid['status']) : 'unknown',
  };
}

export interface ServerObservation {
  /** The data directory holds an initialised cluster (PG_VERSION exists). */
  readonly initialised: boolean;
  /** Parsed postmaster.pid, when the file exists and reads. */
  readonly postmaster: PostmasterPid | undefined;
  /** The postmaster.pid process exists and is a PostgreSQL server (not a reused pid). */
  readonly postmasterAlive: boolean;
  /** The recorded owner process is alive (false when no owner is recorded). */
  readonly ownerAlive: boolean;
}

export type StartAction =
  | { readonly kind: 'initialise' }
  | { readonly kind: 'start'; readonly clearStalePid: boolean }
  | { readonly kind: 'wait' }
  | { readonly kind: 'connect'; readonly port: number; readonly adopt: boolean };

/** What a process opening the data directory does next; called again after `wait`. */
export function decideStart(seen: ServerObservation): StartAction {
  if (!seen.initialised) return { kind: 'initialise' };
  if (!seen.postmaster) return { kind: 'start', clearStalePid: false };
  // A pid file of a dead server (crash, SIGKILL, reboot), or one whose pid now belongs to another
  // program: PostgreSQL would refuse to start over the latter, so the file goes first.
  if (!seen.postmasterAlive) return { kind: 'start', clearStalePid: true };
  if (seen.postmaster.status !== 'ready') return { kind: 'wait' };
  // A server whose owner died (the app was killed) is taken over, so someone stops it later.
  return { kind: 'connect', port: seen.postmaster.port, adopt: !seen.ownerAlive };
}

export interface CloseObservation {
  /** This process is the recorded owner. */
  readonly ownedBySelf: boolean;
  /** Another live process is the recorded owner. */
  readonly ownedByOther: boolean;
  /** Client connections of other processes still open on the server. */
  readonly otherClients: number;
}

export type CloseAction = 'stop' | 'release' | 'leave';

/**
 * `stop`: fast shutdown; `release`: forget ownership but leave the server to the processes still
 * connected (the last of them stops it); `leave`: not ours to stop.
 */
export function decideClose(seen: CloseObservation): CloseAction {
  if (seen.ownedByOther) return 'leave';
  if (seen.otherClients > 0) return seen.ownedBySelf ? 'release' : 'leave';
  return 'stop';
}

export interface ServerUser {
  readonly uid: number;
  readonly gid: number;
}

export type ServerUserDecision =
  | { readonly kind: 'self' }
  | { readonly kind: 'as'; readonly user: ServerUser }
  | { readonly kind: 'create' }
  | { readonly kind: 'refuse' };

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the `postgres` system user when it
 * exists, or one created on request (EMBEDDED_PG_CREATE_USER=true: it changes the host, so opt-in).
 */
export function decideServerUser(input: {
  readonly uid: number;
  readonly postgresUser: ServerUser | undefined;
  readonly createUser: boolean;
}): ServerUserDecision {
  if (input.uid !== 0) return { kind: 'self' };
  if (input.postgresUser) return { kind: 'as', user: input.postgresUser };
  return input.createUser ? { kind: 'create' } : { kind: 'refuse' };
}
