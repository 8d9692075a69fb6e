import http from 'node:http';
import https from 'node:https';

/** How one POST to a receiver ended. `error` is null only for a 2xx answer. */
export interface PostOutcome {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface HttpPosterOptions {
  /** Limit of the whole exchange (DNS, connection, TLS, request, answer), redirects included. */
  readonly timeoutMs: number;
  /** Answer bytes read at most; the rest is not waited for. A receiver only needs to say 2xx. */
  readonly maxResponseBytes?: number;
  /** 307/308 redirects to the same host followed at most. */
  readonly maxRedirects?: number;
}

/** Sends webhook POSTs: the one thing the dispatcher needs from HTTP. */
export interface WebhookPoster {
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<PostOutcome>;
}

interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly snippet: string;
}

class PostFailure extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'PostFailure';
  }
}

/** What went wrong in words an operator can act on; node's codes for the rest. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) return `TLS: ${code}`;
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** The start of an error answer, on one line: enough to see "invalid signature" or a proxy's page. */
function snippetOf(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * POSTs with node's own HTTP client, so that nothing is implicit: no redirect is followed unless it
 * keeps the method, the body and the host (307/308 to the same hostname, never https to http); the
 * answer is read up to a limit and then dropped; one deadline covers everything. Connections are not
 * kept alive: deliveries to one receiver are minutes apart.
 */
export class HttpWebhookPoster implements WebhookPoster {
  private readonly maxResponseBytes: number;
  private readonly maxRedirects: number;

  constructor(private readonly options: HttpPosterOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.maxRedirects = options.maxRedirects ?? 3;
  }

  async post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<PostOutcome> {
    const started = performance.now();
    const deadline = Date.now() + this.options.timeoutMs;
    const elapsed = (): number => Math.round(performance.now() - started);
    let target = new URL(url);
    try {
      for (let redirects = 0; ; redirects += 1) {
        const answer = await this.once(target, body, headers, deadline);
        if (answer.status >= 200 && answer.status < 300) {
          return { statusCode: answer.status, error: null, durationMs: elapsed() };
        }
        if (answer.status < 300 || answer.status >= 400 || answer.location === undefined) {
          const detail = answer.snippet ? `: ${answer.snippet}` : '';
          return {
            statusCode: answer.status,
            error: `HTTP ${answer.status}${detail}`,
            durationMs: elapsed(),
          };
        }
        const next = this.redirectTarget(target, answer, redirects);
        if (typeof next === 'string') {
          return { statusCode: answer.status, error: next, durationMs: elapsed() };
        }
        target = next;
      }
    } catch (error) {
      const statusCode = error instanceof PostFailure ? error.statusCode : null;
      const message = error instanceof PostFailure ? error.message : describe(error);
      return { statusCode, error: message, durationMs: elapsed() };
    }
  }

  /** The next URL to try, or why the redirect is not followed. */
  private redirectTarget(from: URL, answer: Answer, redirects: number): URL | string {
    const refused = `redirect (HTTP ${answer.status}) not followed`;
    if (answer.status !== 307 && answer.status !== 308) {
      return `${refused}: only 307/308 keep the POST and its body`;
    }
    let next: URL;
    try {
      next = new URL(answer.location ?? '', from);
    } catch {
      return `${refused}: bad Location`;
    }
    // A redirect elsewhere would hand the signed body to a host the tenant never configured.
    if (next.hostname !== from.hostname) return `${refused}: another host`;
    if (next.protocol !== from.protocol && next.protocol !== 'https:') return `${refused}: leaves HTTPS`;
    if (redirects >= this.maxRedirects) return `${refused}: more than ${this.maxRedirects} redirects`;
    return next;
  }

  private once(
    url: URL,
    body: string,
    headers: Readonly<Record<string, string>>,
    deadline: number,
  ): Promise<Answer> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        reject(new PostFailure(`no answer within ${this.options.timeoutMs} ms`));
        return;
      }
      const request = client.request(url, {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body, 'utf8')) },
      });
      const timer = setTimeout(() => {
        request.destroy(new PostFailure(`no answer within ${this.options.timeoutMs} ms`));
      }, remaining);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        settle();
      };
      request.once('error', (error) => finish(() => reject(error)));
      request.once('response', (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        const chunks: Buffer[] = [];
        let read = 0;
        const done = (): void =>
          finish(() => resolve({ status, location, snippet: snippetOf(Buffer.concat(chunks)) }));
        response.on('data', (chunk: Buffer) => {
          if (read < this.maxResponseBytes) chunks.push(chunk.subarray(0, this.maxResponseBytes - read));
          read += chunk.length;
          // Enough read: the status is what counts, and a receiver may not make us read forever.
          if (read >= this.maxResponseBytes) {
            response.destroy();
            done();
          }
        });
        response.once('end', done);
        response.once('error', (error) => {
          if (read >= this.maxResponseBytes) return;
          finish(() => reject(error));
        });
        response.once('close', () => {
          // Closed before its end (the receiver hung up mid-answer): the status still came.
          if (!response.complete && read < this.maxResponseBytes) done();
        });
      });
      request.end(body, 'utf8');
    });
  }
}
