import type { Server } from 'node:http';
import type { Logger } from '../logging';

export interface RunningApplication {
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests, lets running work finish, then releases every resource. */
  close(): Promise<void>;
}

/** Releases one resource acquired at start-up. */
export type Closer = () => Promise<void>;

/**
 * What start-up acquired, released in reverse order of acquisition: the HTTP server stops before the
 * workers, the workers before the SAT transport and job pool they use, the database last.
 */
export class ShutdownOrder {
  private readonly closers: Closer[] = [];

  constructor(private readonly logger: Logger) {}

  /** Called right after a resource is acquired, so it is released before what it was built on. */
  add(close: Closer): void {
    this.closers.push(close);
  }

  /** Every step runs even when one before it failed: a failed flush must not leave the database open. */
  async releaseAll(): Promise<void> {
    for (const close of [...this.closers].reverse()) {
      try {
        await close();
      } catch (error) {
        this.logger.error('shutdown step failed', { error });
      }
    }
  }

  /** The caller's handle: closing it twice waits for the one shutdown. */
  running(url: string, port: number): RunningApplication {
    let closing: Promise<void> | undefined;
    return { url, port, close: () => (closing ??= this.releaseAll()) };
  }
}

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops accepting, lets calls in flight finish, and closes each keep-alive socket as soon as it is
 * idle (a 65 s keep-alive would otherwise hold the process open that long); what is still busy after
 * the grace period is cut.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 200);
    const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
