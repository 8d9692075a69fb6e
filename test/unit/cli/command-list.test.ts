import { buildProgram } from '../../../src/cli/main';
import { runCliProcess } from '../../helpers/cli';

/** The operator commands of issue 7: names and flags are a public contract. */
const COMMANDS = [
  'migrate',
  'migrate-embedded',
  'tenant',
  'user',
  'fiel',
  'rotate-master-key',
  'worker',
  'sat-simulator',
  'export',
  'reindex',
  'webhook',
];

function subcommand(...names: string[]) {
  let command = buildProgram();
  for (const name of names) {
    const next = command.commands.find((candidate) => candidate.name() === name);
    if (!next) throw new Error(`no command ${names.join(' ')}`);
    command = next;
  }
  return command;
}

function flags(...names: string[]): string[] {
  return subcommand(...names)
    .options.map((option) => option.long ?? '')
    .sort();
}

describe('descarga-masiva --help', () => {
  it('lists every operator command', () => {
    const result = runCliProcess(['--help']);
    expect(result.status).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('keeps the documented subcommands and flags', () => {
    expect(subcommand('tenant').commands.map((command) => command.name())).toEqual(['create', 'list', 'set']);
    expect(flags('tenant', 'set')).toEqual(['--sat-trail']);
    expect(subcommand('user').commands.map((command) => command.name())).toEqual([
      'create',
      'list',
      'revoke',
    ]);
    expect(subcommand('fiel').commands.map((command) => command.name())).toEqual(['add', 'list', 'remove']);
    expect(flags('fiel', 'add')).toEqual([
      '--cer',
      '--key',
      '--password-file',
      '--password-stdin',
      '--tenant',
    ]);
    expect(flags('fiel', 'list')).toEqual(['--json', '--tenant']);
    expect(flags('fiel', 'remove')).toEqual(['--rfc', '--tenant']);
    expect(subcommand('webhook').commands.map((command) => command.name())).toEqual([
      'add',
      'list',
      'remove',
      'enable',
      'disable',
      'deliveries',
    ]);
    expect(flags('webhook', 'add')).toEqual(['--events', '--tenant', '--url']);
    expect(flags('webhook', 'list')).toEqual(['--json', '--tenant']);
    expect(flags('webhook', 'remove')).toEqual(['--id', '--tenant']);
    expect(flags('webhook', 'deliveries')).toEqual(['--id', '--json', '--limit', '--tenant']);
    expect(flags('export')).toEqual(['--dest', '--extract', '--rfc', '--since', '--tenant']);
    expect(flags('reindex')).toEqual(['--rfc', '--tenant']);
  });
});
