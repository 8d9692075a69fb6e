/**
 * Where a CPU profile's time went: self time by package or source file, then by function.
 *
 *   npx tsx bench/support/profile-summary.ts <file.cpuprofile> [functions=40]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, shown = '40'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [functions]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
let total = 0;

/** node_modules/<package> (scoped packages keep their scope), our own files by path, the rest by name. */
function placeOf(url: string, functionName: string): string {
  const local = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
  const modules = local.lastIndexOf('node_modules/');
  if (modules < 0) return local || `(${functionName || 'native'})`;
  const [first = '', second = ''] = local.slice(modules + 'node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

const add = (map: Map<string, number>, key: string, time: number): void => {
  map.set(key, (map.get(key) ?? 0) + time);
};
profile.samples.forEach((id, index) => {
  const time = profile.timeDeltas[index] ?? 0;
  const frame = nodes.get(id)?.callFrame;
  if (!frame) return;
  total += time;
  const place = placeOf(frame.url, frame.functionName);
  add(byPlace, place, time);
  add(byFunction, `${frame.functionName || '(anonymous)'}  ${place}:${frame.lineNumber + 1}`, time);
});

function print(title: string, map: Map<string, number>, count: number): void {
  console.log(title);
  for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(
      `${(time / 1000).toFixed(0).padStart(8)} ms ${((100 * time) / total).toFixed(1).padStart(5)} %  ${key}`,
    );
  }
}
console.log(`${(total / 1000).toFixed(0)} ms sampled`);
print('\nself time by place', byPlace, 30);
print('\nself time by function', byFunction, Number(shown));
