import { Command, InvalidArgumentError, Option } from 'commander';
import { runMain } from '@versaai/kernel';
import type { DevFakeLlmOptions } from './commands/dev-fake-llm.ts';

// Commands are loaded when run: `start` needs every service, `events dead-letters` needs none.
const commands = {
  start: async (opts: { service?: string }) => (await import('./commands/start.ts')).startCommand(opts),
  devDistributed: async (opts: { replicas?: string }) => (await import('./commands/dev-distributed.ts')).devDistributedCommand(opts),
  devFakeLlm: async (opts: DevFakeLlmOptions) => (await import('./commands/dev-fake-llm.ts')).devFakeLlmCommand(opts),
  dbMigrate: async (opts: { service?: string }) => (await import('./commands/db-migrate.ts')).dbMigrateCommand(opts),
  listDeadLetters: async (opts: { group?: string; limit?: string; json?: boolean }) =>
    (await import('./commands/dead-letters.ts')).listDeadLettersCommand(opts),
  replayDeadLetter: async (id: string) => (await import('./commands/dead-letters.ts')).replayDeadLetterCommand(id),
  usersCreateAdmin: async (opts: { email: string; passwordStdin?: boolean }) =>
    (await import('./commands/users-create-admin.ts')).usersCreateAdminCommand(opts),
  authRotateKeys: async (opts: { file?: string }) => (await import('./commands/auth-rotate-keys.ts')).authRotateKeysCommand(opts),
  exportKong: async (opts: { out?: string; format?: 'yaml' | 'json'; jwks?: string }) =>
    (await import('./commands/gateway-export-kong.ts')).exportKongCommand(opts),
};

function positiveInteger(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

function buildProgram(): Command {
  const program = new Command('versaai').description('VersaAI: self-hostable multi-user AI chat platform');

  program.command('start')
    .description('serve the platform: every service and the gateway in one process, or only those in --service')
    .option('--service <names>', 'comma-separated services to host in this process (e.g. auth,users or gateway)')
    .action(commands.start);

  const dev = program.command('dev').description('development helpers');
  dev.command('distributed')
    .description('run the gateway and every service as separate processes (needs DATABASE_URL and REDIS_URL)')
    .option('--replicas <spec>', 'replicas per service, e.g. users=2 (default 1 each)')
    .action(commands.devDistributed);
  dev.command('fake-llm')
    .description('serve a fake OpenAI/Groq chat-completions API (benchmarks, runs without a provider key; FAKE_LLM_API_KEY sets its key)')
    .option('--port <port>', 'port to listen on', '11434')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--tokens <n>', 'tokens per reply', '100')
    .option('--token-delay-ms <ms>', 'pause between tokens', '5')
    .option('--first-token-delay-ms <ms>', 'pause before the first token', '0')
    .addOption(new Option('--flavor <flavor>', 'wire format where providers differ').choices(['openai', 'groq']).default('openai'))
    .action(commands.devFakeLlm);

  program.command('db').description('databases')
    .command('migrate')
    .description('apply pending migrations and exit')
    .option('--service <names>', 'only these services')
    .action(commands.dbMigrate);

  const deadLetters = program.command('events').description('event bus')
    .command('dead-letters').description('events that failed every delivery');
  deadLetters.command('list')
    .option('--group <group>', 'only this consumer group (service)')
    .option('--limit <n>', 'at most this many', positiveInteger)
    .option('--json', 'print JSON')
    .action(commands.listDeadLetters);
  deadLetters.command('replay')
    .argument('<id>', 'dead letter id (from list)')
    .action(commands.replayDeadLetter);

  program.command('gateway').description('the edge')
    .command('export-kong')
    .description('write a Kong declarative configuration (_format_version 3.0) equivalent to the gateway route table')
    .option('--out <file>', 'write to this file instead of stdout')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--jwks <file|url>', "auth's JWKS (a file or its URL); its keys become the jwt credentials Kong verifies tokens with")
    .action(commands.exportKong);

  program.command('users').description('accounts')
    .command('create-admin')
    .description('create the first admin (or promote an existing account) in auth\'s database')
    .requiredOption('--email <email>', 'e-mail address of the admin')
    .option('--password-stdin', 'read the password from stdin instead of prompting twice on the terminal')
    .action(commands.usersCreateAdmin);

  program.command('auth').description('identity')
    .command('rotate-keys')
    .description('add a new access-token signing key; the previous one retires and verifies until its tokens expire')
    .option('--file <path>', 'key file (default: AUTH_KEYS_FILE, else <VERSAAI_DATA_DIR>/auth-keys.json)')
    .action(commands.authRotateKeys);

  return program;
}

await runMain(async () => {
  await buildProgram().parseAsync(process.argv);
});
