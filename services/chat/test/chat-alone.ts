import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import type { ResponseStreamStore } from '@versaai/storage';
import { createTestIssuer, tempDataDir, type TestIssuer } from '@versaai/testing';
import { chatService } from '../src/index.ts';

/** Token issuer and its JWKS endpoint, shared by several chat processes of one test. */
export interface TestIdentity {
  issuer: TestIssuer;
  jwksUrl: string;
  close(): Promise<void>;
}

export async function startTestIdentity(): Promise<TestIdentity> {
  const issuer = await createTestIssuer();
  const jwks = await issuer.serveJwks();
  return { issuer, jwksUrl: jwks.url, close: () => jwks.close() };
}

export interface ChatAlone {
  platform: RunningPlatform;
  url: string;
  streams: ResponseStreamStore;
  issuer: TestIssuer;
  /** Stops the process, removes its data and, when it made its own, the identity. */
  stop(): Promise<void>;
}

/**
 * The chat service alone in its process, as in the distributed topology: it verifies every
 * token itself against the JWKS of a test issuer (its own unless `identity` is shared).
 */
export async function startChatAlone(env: Record<string, string> = {}, identity?: TestIdentity): Promise<ChatAlone> {
  const ownIdentity = identity ? undefined : await startTestIdentity();
  const { issuer, jwksUrl } = identity ?? ownIdentity!;
  const dataDir = await tempDataDir();
  try {
    const platform = await startPlatform({
      services: [chatService],
      separateProcesses: true,
      env: {
        PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: dataDir.dir, AUTH_JWKS_URL: jwksUrl,
        BUS_BLOCK_MS: '100', ...env,
      },
    });
    return {
      platform,
      url: platform.url,
      streams: platform.services.get('chat')!.context.responseStreams,
      issuer,
      async stop() {
        await platform.stop();
        await dataDir.remove();
        await ownIdentity?.close();
      },
    };
  } catch (error) {
    await dataDir.remove();
    await ownIdentity?.close();
    throw error;
  }
}
