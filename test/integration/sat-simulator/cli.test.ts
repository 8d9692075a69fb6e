import { spawn } from 'node:child_process';
import path from 'node:path';

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
