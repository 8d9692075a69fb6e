import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCliProcess, spawnCli } from '../../helpers/cli';

const root = path.join(__dirname, '../../..');

describe('descarga-masiva sat-simulator', () => {
  it('serves SAT paths on the requested port and answers an unsigned Autentica with InvalidSecurity', async () => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('tsx/cjs'),
        path.join(root, 'src/cli/main.ts'),
        'sat-simulator',
        '--port',
        '0',
        '--delay',
        '0',
      ],
      {
        env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const response = await fetch(`${url}/Autenticacion/Autenticacion.svc`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml' },
        body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
      });
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('a:InvalidSecurity');
      const retenciones = await fetch(`${url}/retenciones/VerificaSolicitudDescargaService.svc`, {
        method: 'POST',
        body: 'not xml',
      });
      expect(await retenciones.text()).toContain('CodEstatus="301"');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('descarga-masiva sat-simulator: misbehaviour flags', () => {
  it('passes --hold-accepted-*, --count-metadata-lifetime, --strict and --daily-request-limit to the simulator', async () => {
    const { child, finished } = spawnCli([
      'sat-simulator',
      '--port',
      '0',
      '--hold-accepted-metadata',
      '7200',
      '--hold-accepted-cfdi',
      '30',
      '--count-metadata-lifetime',
      '--strict',
      '--daily-request-limit',
      '40',
    ]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const state = (await (await fetch(`${url}/_simulator/state`)).json()) as Record<string, unknown>;
      expect(state.strict).toBe(true);
      expect(state.settings).toEqual({
        holdAccepted: { Metadata: 7200, CFDI: 30 },
        countMetadataLifetime: true,
        dailyRequestLimit: 40,
      });
      // Strict: an Autentica without its SOAPAction is not dispatched.
      const unnamed = await fetch(`${url}/Autenticacion/Autenticacion.svc`, {
        method: 'POST',
        body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Autentica xmlns="http://DescargaMasivaTerceros.gob.mx"/></s:Body></s:Envelope>',
      });
      expect(unnamed.status).toBe(500);
      expect(await unnamed.text()).toContain('a:ActionNotSupported');
    } finally {
      child.kill('SIGTERM');
      await finished;
    }
  });

  it('leaves them off by default and refuses values out of range', async () => {
    const { child, finished } = spawnCli(['sat-simulator', '--port', '0']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const state = (await (await fetch(`${url}/_simulator/state`)).json()) as Record<string, unknown>;
      expect(state.strict).toBe(false);
      expect(state.settings).toEqual({
        holdAccepted: {},
        countMetadataLifetime: false,
        dailyRequestLimit: null,
      });
    } finally {
      child.kill('SIGTERM');
      await finished;
    }
    const fractional = runCliProcess(['sat-simulator', '--port', '0', '--daily-request-limit', '1.5']);
    expect(fractional.status).not.toBe(0);
    expect(fractional.stderr).toContain('--daily-request-limit');
    const negative = runCliProcess(['sat-simulator', '--port', '0', '--hold-accepted-cfdi', '-3']);
    expect(negative.status).not.toBe(0);
    expect(negative.stderr).toContain('--hold-accepted-cfdi');
  });
});
