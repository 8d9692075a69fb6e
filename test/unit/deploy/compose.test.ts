import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceNodeFlags } from '../../helpers/service-flags';

const root = path.join(__dirname, '..', '..', '..');

describe('docker-compose.yml', () => {
  it('is a valid compose file (docker-compose config)', () => {
    const result = spawnSync('docker-compose', ['config', '-q'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs the production shape: Postgres, MinIO with its bucket, and the app wired to both', () => {
    const result = spawnSync('docker-compose', ['config'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    const text = result.stdout;
    for (const service of ['postgres:', 'minio:', 'minio-bucket:', 'app:']) expect(text).toContain(service);
    expect(text).toMatch(/DATABASE_URL: postgres:\/\/descarga:descarga@postgres:5432\/descarga/);
    expect(text).toMatch(/S3_ENDPOINT: http:\/\/minio:9000/);
  });

  it('builds the image from the Dockerfile with the compiled service as its command', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/CMD \["node", (?:"--[^"]+", )*"dist\/src\/main.js"\]/);
  });

  it('starts the service with the same Node flags as npm start', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const command = /CMD \[(.*)\]/.exec(dockerfile)?.[1] ?? '';
    const flags = command
      .split(', ')
      .map((word) => word.replace(/"/g, ''))
      .filter((word) => word.startsWith('--'));
    expect(flags).toEqual(serviceNodeFlags());
    expect(flags).toContain('--max-semi-space-size=64');
  });
});
