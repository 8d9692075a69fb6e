import { execFile } from 'node:child_process';
import { access, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/*
 * The four WSDL toolchains of docs/examples/generated/, driven as their READMEs say: each generator's
 * default command on the running service's URLs, one compile step, then the story programs written
 * against what was generated. Debian's packages (.ci/apt-packages.txt) put every tool on the PATH and
 * the jars in /usr/share/java.
 */

export const TOOLCHAINS = ['jaxws', 'axis', 'asmx', 'wcf'] as const;
export type ToolchainName = (typeof TOOLCHAINS)[number];
export type StoryProgram = 'DescargaMasivaStory' | 'MySuiteStory' | 'DescargaMasivaV1Story';

const examples = path.join(__dirname, '..', '..', 'docs', 'examples', 'generated');
const JAXWS_CP = '/usr/share/java/jaxws-rt.jar';
const AXIS_CP = [
  'axis.jar',
  'axis-jaxrpc.jar',
  'axis-saaj.jar',
  'wsdl4j.jar',
  'commons-discovery.jar',
  'commons-logging.jar',
  'javax.activation.jar',
]
  .map((jar) => `/usr/share/java/${jar}`)
  .join(':');

/** How a command ended; one that could not start has exit code -1 and the reason in stderr. */
export interface CommandResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface ServiceWsdls {
  readonly v1: string;
  readonly v2: string;
  readonly mysuite: string;
}

/** One toolchain after generating and compiling: what each step did, and how to run a story. */
export interface BuiltToolchain {
  readonly name: ToolchainName;
  readonly steps: readonly CommandResult[];
  /** v1's generated code compiled (jaxws, axis and asmx only; svcutil is not asked to read v1). */
  readonly v1Compiled: boolean | undefined;
  story(program: StoryProgram, args: readonly string[]): Promise<CommandResult>;
}

/** Runs a command to its end; never rejects, so a failure can be reported with everything it printed. */
export function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 150_000,
): Promise<CommandResult> {
  const started = Date.now();
  const line = [command, ...args].join(' ');
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        // HOME under the work directory: mono and the JDK keep their per-user files there, not in ~.
        env: { PATH: process.env.PATH, HOME: cwd, LANG: 'C.UTF-8' },
      },
      (error, stdout, stderr) => {
        const exitCode =
          error === null ? 0 : typeof error.code === 'number' ? error.code : error.killed ? 124 : -1;
        resolve({
          command: line,
          exitCode,
          stdout,
          stderr: error !== null && exitCode === -1 ? `${stderr}${error.message}` : stderr,
          seconds: (Date.now() - started) / 1000,
        });
      },
    );
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function javaSources(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.java')).map((entry) => path.join(directory, entry));
}

/** Runs the steps in order, stopping at the first that fails. */
async function steps(
  done: CommandResult[],
  ...commands: Array<() => Promise<CommandResult>>
): Promise<boolean> {
  for (const command of commands) {
    const result = await command();
    done.push(result);
    if (result.exitCode !== 0) return false;
  }
  return true;
}

async function jaxws(wsdls: ServiceWsdls, dir: string): Promise<BuiltToolchain> {
  // wsimport compiles what it generates into the working directory; the three packages differ
  // (masiva.descarga.v1, masiva.descarga.v2, mx.com.fact.schema.ws), so one directory holds them all,
  // and one javac compiles the three story programs (v1's too: JAX-WS also runs the story on v1).
  const done: CommandResult[] = [];
  const v1Generated = await steps(done, () => runCommand('wsimport', [wsdls.v1], dir));
  await steps(
    done,
    () => runCommand('wsimport', [wsdls.v2], dir),
    () => runCommand('wsimport', [wsdls.mysuite], dir),
    () =>
      runCommand(
        'javac',
        [
          '-cp',
          `.:${JAXWS_CP}`,
          '-d',
          '.',
          path.join(examples, 'jaxws', 'DescargaMasivaStory.java'),
          path.join(examples, 'jaxws', 'MySuiteStory.java'),
          ...(v1Generated ? [path.join(examples, 'jaxws', 'DescargaMasivaV1Story.java')] : []),
        ],
        dir,
      ),
  );
  return {
    name: 'jaxws',
    steps: done,
    v1Compiled:
      v1Generated && (await exists(path.join(dir, 'masiva/descarga/v1/DescargaMasivaPortType.class'))),
    story: (program, args) => runCommand('java', ['-cp', `.:${JAXWS_CP}`, program, ...args], dir),
  };
}

async function axis(wsdls: ServiceWsdls, dir: string): Promise<BuiltToolchain> {
  // Packages v1.descarga_masiva, v2.descarga_masiva and mx.com.fact.www.schema.ws: one javac for all.
  const done: CommandResult[] = [];
  const wsdl2java = (url: string) => () =>
    runCommand('java', ['-cp', AXIS_CP, 'org.apache.axis.wsdl.WSDL2Java', url], dir);
  // v1 is generated first and on its own: if it fails, v2 and MYSuite are still built and run.
  await steps(done, wsdl2java(wsdls.v1));
  const compiled = await steps(done, wsdl2java(wsdls.v2), wsdl2java(wsdls.mysuite), async () =>
    runCommand(
      'javac',
      [
        '-nowarn',
        '-d',
        'classes',
        '-cp',
        AXIS_CP,
        ...(await javaSources(dir)),
        path.join(examples, 'axis', 'DescargaMasivaStory.java'),
        path.join(examples, 'axis', 'MySuiteStory.java'),
      ],
      dir,
    ),
  );
  return {
    name: 'axis',
    steps: done,
    v1Compiled:
      compiled && (await exists(path.join(dir, 'classes/v1/descarga_masiva/DescargaMasivaPortType.class'))),
    story: (program, args) => runCommand('java', ['-cp', `classes:${AXIS_CP}`, program, ...args], dir),
  };
}

/** mono's tools name their output after the service (wsdl) or output.cs (svcutil): one directory per WSDL. */
async function mono(name: 'asmx' | 'wcf', wsdls: ServiceWsdls, dir: string): Promise<BuiltToolchain> {
  const done: CommandResult[] = [];
  const generator = name === 'asmx' ? 'wsdl' : 'svcutil';
  const references =
    name === 'asmx'
      ? ['/r:System.Web.Services']
      : ['/r:System.ServiceModel', '/r:System.Runtime.Serialization'];
  const build = async (wsdl: string, program: StoryProgram, generated: string) => {
    const where = path.join(dir, program);
    await mkdir(where);
    await steps(
      done,
      () => runCommand(generator, [wsdl], where),
      () =>
        runCommand(
          'mcs',
          [...references, `/out:${program}.exe`, path.join(examples, name, `${program}.cs`), generated],
          where,
        ),
    );
  };
  await build(wsdls.v2, 'DescargaMasivaStory', name === 'asmx' ? 'DescargaMasiva.cs' : 'output.cs');
  await build(wsdls.mysuite, 'MySuiteStory', name === 'asmx' ? 'FactWSFront.cs' : 'output.cs');
  let v1Compiled: boolean | undefined;
  if (name === 'asmx') {
    const where = path.join(dir, 'v1');
    await mkdir(where);
    v1Compiled = await steps(
      done,
      () => runCommand('wsdl', [wsdls.v1], where),
      () => runCommand('mcs', ['/target:library', ...references, 'DescargaMasiva.cs'], where),
    );
  }
  return {
    name,
    steps: done,
    v1Compiled,
    story: (program, args) => runCommand('mono', [path.join(dir, program, `${program}.exe`), ...args], dir),
  };
}

/** Generates (default commands) and compiles one toolchain's clients in `dir`, an empty directory. */
export function buildToolchain(
  name: ToolchainName,
  wsdls: ServiceWsdls,
  dir: string,
): Promise<BuiltToolchain> {
  switch (name) {
    case 'jaxws':
      return jaxws(wsdls, dir);
    case 'axis':
      return axis(wsdls, dir);
    case 'asmx':
    case 'wcf':
      return mono(name, wsdls, dir);
  }
}

/** What a failed step printed, for an assertion message. */
export function describeSteps(results: readonly CommandResult[]): string {
  return results
    .map(
      (result) =>
        `$ ${result.command}\n(exit ${result.exitCode}, ${result.seconds.toFixed(1)} s)\n` +
        `${result.stdout.slice(-4000)}${result.stderr.slice(-4000)}`,
    )
    .join('\n');
}

/** Runs `work` for each item with at most `concurrency` at a time; results in the items' order. */
export function withConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Array<Promise<R>> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return items.map(async (item) => {
    await slot();
    try {
      return await work(item);
    } finally {
      release();
    }
  });
}
