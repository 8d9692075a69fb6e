import { unavailable } from '../../../src/storage/local-disk-store';
import {
  DEFAULT_STALE_PART_AGE_MS,
  type PartWriter,
  judgePart,
  partFileName,
  writerOfPart,
} from '../../../src/storage/stale-parts';

const SELF: PartWriter = { space: 'aaaaaaaaaaaa', pid: 4242, instance: '0000ffff' };
const RANDOM = '0123456789abcdef01234567';
const HOUR = 60 * 60_000;
const young = (name: string) => ({ name, ageMs: 5_000 });
const alive = new Set([SELF.pid, 777]);
const isAlive = (pid: number): boolean => alive.has(pid);

function verdict(part: { name: string; ageMs: number }) {
  return judgePart(part, SELF, isAlive, HOUR);
}

describe('temporary part names', () => {
  it('record the writer and read back', () => {
    const name = partFileName(SELF, RANDOM);
    expect(name).toBe(`aaaaaaaaaaaa-4242-0000ffff-${RANDOM}.part`);
    expect(writerOfPart(name)).toEqual(SELF);
  });

  it.each(['0123456789abcdef01234567.part', 'x.part', `AAAAAAAAAAAA-1-0000ffff-${RANDOM}.part`])(
    'read no writer from %s',
    (name) => expect(writerOfPart(name)).toBeUndefined(),
  );

  it('refuse fields that would make a name it cannot read back', () => {
    expect(() => partFileName({ ...SELF, space: '../x' }, RANDOM)).toThrow(RangeError);
    expect(() => partFileName({ ...SELF, pid: 0 }, RANDOM)).toThrow(RangeError);
  });

  it('default to an age far above a live download’s longest pause (60 s idle timeout)', () => {
    expect(DEFAULT_STALE_PART_AGE_MS).toBeGreaterThanOrEqual(60 * 60_000);
  });
});

describe('judgePart: which temporary files a sweep deletes', () => {
  const of = (writer: Partial<PartWriter>) => partFileName({ ...SELF, ...writer }, RANDOM);

  it('deletes a part of a dead process of this space at once', () => {
    expect(verdict(young(of({ pid: 999 })))).toEqual({ remove: true, reason: 'writer-gone' });
  });

  it('keeps a part of a live process of this space, however young', () => {
    expect(verdict(young(of({ pid: 777, instance: '12345678' })))).toEqual({
      remove: false,
      reason: 'writer-alive',
    });
  });

  it('keeps the parts this very process is writing', () => {
    expect(verdict(young(of({})))).toEqual({ remove: false, reason: 'writer-alive' });
  });

  it('deletes a part of an earlier process that had this PID (PIDs are recycled)', () => {
    expect(verdict(young(of({ instance: 'deadbeef' })))).toEqual({ remove: true, reason: 'writer-gone' });
  });

  it('never judges a PID of another space (container, host): a young part there is kept', () => {
    expect(verdict(young(of({ space: 'bbbbbbbbbbbb', pid: 999 })))).toEqual({
      remove: false,
      reason: 'writer-elsewhere',
    });
  });

  it('keeps a young part whose name it cannot read (an older release wrote it)', () => {
    expect(verdict(young(`${RANDOM}.part`))).toEqual({ remove: false, reason: 'writer-elsewhere' });
  });

  it.each([
    ['another space', of({ space: 'bbbbbbbbbbbb' })],
    ['an older release', `${RANDOM}.part`],
    ['a PID now taken by another program', of({ pid: 777 })],
  ])('deletes any part older than the stale age, even of %s', (_case, name) => {
    expect(verdict({ name, ageMs: HOUR })).toEqual({ remove: true, reason: 'old' });
  });

  it('leaves alone files that are not parts', () => {
    expect(verdict({ name: 'notes.txt', ageMs: 10 * HOUR })).toEqual({ remove: false, reason: 'not-a-part' });
  });
});

describe('unavailable: a storage failure as callers see it', () => {
  it('names the system error code, never the message with its absolute path', () => {
    const cause = Object.assign(
      new Error("EACCES: permission denied, open '/srv/data/objects/.tmp/x.part'"),
      {
        code: 'EACCES',
      },
    );
    const error = unavailable(cause);
    expect(error.code).toBe('DM-6001');
    expect(error.messageEs).toBe('El almacenamiento de paquetes no responde: EACCES');
    expect(error.messageEn).not.toContain('/srv/');
    expect(error.cause).toBe(cause);
  });

  it('names the error class when there is no code', () => {
    expect(unavailable(new TypeError('at /srv/x')).messageEn).toBe(
      'Package storage is not answering: TypeError',
    );
  });
});
