import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** `size` deterministic pseudo-random bytes, generated chunk by chunk (never one big Buffer). */
export function generatedStream(
  size: number,
  seed = 1,
  failAt?: number,
): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let produced = 0;
  let state = seed;
  const stream = new Readable({
    read() {
      if (failAt !== undefined && produced >= failAt) {
        this.destroy(new Error('source failed'));
        return;
      }
      if (produced >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(64 * 1024, size - produced);
      const chunk = Buffer.allocUnsafe(length);
      for (let index = 0; index < length; index += 1) {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        chunk[index] = state & 0xff;
      }
      hash.update(chunk);
      produced += length;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

export async function sha256Of(
  stream: AsyncIterable<Buffer | Uint8Array>,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
