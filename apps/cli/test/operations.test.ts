import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedTransport } from '@versaai/events';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { CLEAN_ENV, runCli } from './processes.ts';

// Run through the published entry point, bin/versaai.js, to prove the shim works. Each test
// starts several CLI processes one after another, hence the longer timeout on a busy machine.
const SLOW = { timeout: 180_000 };
const BIN = 'apps/cli/bin/versaai.js';

async function versaai(args: string[], env: Record<string, string>) {
  const cli = runCli('versaai', args, { ...CLEAN_ENV, ...env }, BIN);
  const exit = await cli.exit;
  return { code: exit.code, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('versaai db migrate', SLOW, () => {
  let dataDir: TempDataDir;
  beforeAll(async () => { dataDir = await tempDataDir(); });
  afterAll(async () => { await dataDir?.remove(); });

  it('applies the migrations of the chosen services, then reports them up to date', async () => {
    const first = await versaai(['db', 'migrate', '--service', 'users'], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe('users: applied 0000_events_inbox, 0000_events_outbox, 0001_users_profiles, 0002_users_profile_fields, 0003_users_preferences');
    const all = await versaai(['db', 'migrate'], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(all.stdout.trim().split('\n')).toEqual(['auth: applied 0000_events_inbox, 0000_events_outbox, 0001_auth_credentials, 0002_auth_credential_status, 0003_auth_sessions, 0004_auth_login_attempts, 0005_auth_one_time_tokens, 0006_auth_api_keys', 'users: up to date',
      'chat: applied 0000_events_inbox, 0000_events_outbox, 0001_chat_conversations, 0002_chat_message_search, 0003_chat_shares',
      'ai: applied 0000_events_inbox, 0000_events_outbox, 0001_ai_models, 0002_ai_pipeline, 0003_ai_erased_users']);
  });
});

describe('versaai events dead-letters', SLOW, () => {
  let dataDir: TempDataDir;
  let deadLetterId: string;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    // A real dead letter on the embedded bus: delivered to the users group, then given up on.
    const transport = createEmbeddedTransport({ file: join(dataDir.dir, 'bus.db') });
    try {
      await transport.ensureGroup('users', ['user.registered']);
      await transport.append([{ stream: 'user.registered', payload: '{"type":"user.registered","broken":true}' }]);
      const [entry] = await transport.read('users', 'test', ['user.registered'], { count: 1, blockMs: 0 });
      await transport.deadLetter('users', entry!, 'MALFORMED_EVENT: envelope is invalid');
      deadLetterId = (await transport.listDeadLetters('users'))[0]!.id;
    } finally {
      await transport.close();
    }
  });
  afterAll(async () => { await dataDir?.remove(); });

  it('lists dead letters with their error', async () => {
    const listed = await versaai(['events', 'dead-letters', 'list', '--group', 'users', '--json'], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: deadLetterId, group: 'users', error: 'MALFORMED_EVENT: envelope is invalid' })]);
    const other = await versaai(['events', 'dead-letters', 'list', '--group', 'auth'], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(other.stdout.trim()).toBe('No dead letters for group auth.');
  });

  it('replays a dead letter once; an unknown id fails', async () => {
    const replayed = await versaai(['events', 'dead-letters', 'replay', deadLetterId], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout.trim()).toBe(`Replayed ${deadLetterId} to group users.`);
    const again = await versaai(['events', 'dead-letters', 'replay', deadLetterId], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`No dead letter with id ${deadLetterId}.`);
    const listed = await versaai(['events', 'dead-letters', 'list', '--json'], { VERSAAI_DATA_DIR: dataDir.dir });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
