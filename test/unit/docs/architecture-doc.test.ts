import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

// docs/architecture.md describes the tree as it is; these checks make it fail loudly when the tree moves
// and the page does not (a new top-level folder nobody described, a file renamed under the page's feet).
const root = path.resolve(__dirname, '../../..');
const doc = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');

/** Every `src/...` path the page writes in backticks (inline code only; fenced blocks have none). */
function srcPathsInBackticks(text: string): string[] {
  return [...text.matchAll(/`(src\/[^`\s]*)`/g)].map((match) => match[1]);
}

/** The top-level entries of src/ as the page must name them: `src/<folder>/` and `src/main.ts`. */
function topLevelEntries(): string[] {
  const entries = readdirSync(path.join(root, 'src'), { withFileTypes: true });
  return [
    ...entries.filter((entry) => entry.isDirectory()).map((entry) => `src/${entry.name}/`),
    ...entries.filter((entry) => entry.isFile() && entry.name === 'main.ts').map(() => 'src/main.ts'),
  ];
}

function unnamedEntries(text: string, entries: readonly string[]): string[] {
  const named = new Set(srcPathsInBackticks(text));
  return entries.filter((entry) => !named.has(entry));
}

function danglingPaths(text: string): string[] {
  return srcPathsInBackticks(text).filter((written) => !existsSync(path.join(root, written)));
}

describe('docs/architecture.md', () => {
  it('names every top-level entry of src/ as `src/<folder>/` or `src/main.ts`', () => {
    const entries = topLevelEntries();
    expect(entries).toEqual(expect.arrayContaining(['src/main.ts', 'src/soap/', 'src/services/']));
    expect(unnamedEntries(doc, entries)).toEqual([]);
  });

  it('writes only src/ paths that exist', () => {
    expect(srcPathsInBackticks(doc).length).toBeGreaterThan(20);
    expect(danglingPaths(doc)).toEqual([]);
  });

  it('would catch a folder left out and a path that does not exist', () => {
    const withoutSoap = doc.split('`src/soap/`').join('soap');
    expect(unnamedEntries(withoutSoap, topLevelEntries())).toEqual(['src/soap/']);
    expect(danglingPaths('see `src/soap/` and `src/no-such-folder/x.ts`')).toEqual([
      'src/no-such-folder/x.ts',
    ]);
  });
});
