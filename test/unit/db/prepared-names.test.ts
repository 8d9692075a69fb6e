import { PreparedNames } from '../../../src/db/prepared-names';

describe('PreparedNames', () => {
  it('names each text once, the same name every time it comes back', () => {
    const names = new PreparedNames('list', 10);
    const first = names.nameOf('SELECT 1');
    const second = names.nameOf('SELECT 2');
    expect(first).toBe('list_1');
    expect(second).toBe('list_2');
    expect(names.nameOf('SELECT 1')).toBe(first);
  });

  it('names no more than its limit of texts: any other runs unnamed, the named keep their names', () => {
    const names = new PreparedNames('list', 2);
    names.nameOf('a');
    names.nameOf('b');
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.nameOf('a')).toBe('list_1');
    expect(names.nameOf('b')).toBe('list_2');
  });
});
