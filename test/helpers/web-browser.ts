/** A tiny browser for web tests: keeps cookies, never follows redirects, reads forms' CSRF tokens. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  async get(path: string, accept = 'text/html'): Promise<Response> {
    return this.request(path, { method: 'GET', headers: { Accept: accept } });
  }

  /** A multipart form (file uploads). */
  async postMultipart(path: string, form: FormData): Promise<Response> {
    return this.request(path, { method: 'POST', headers: { Accept: 'text/html' }, body: form });
  }

  async post(path: string, fields: Record<string, string> | URLSearchParams): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      // URLSearchParams for a field given more than once (checkboxes).
      body: new URLSearchParams(fields).toString(),
    });
  }

  async csrfOf(path: string): Promise<string> {
    const page = await (await this.get(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  }

  async signIn(login: string, password: string): Promise<Response> {
    const csrf = await this.csrfOf('/entrar');
    return this.post('/entrar', { _csrf: csrf, login, password, siguiente: '/solicitudes' });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { Cookie: cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}
