import { startPlatform, type RunningPlatform, type ServiceDefinition } from '@versaai/runtime';
import { createTestIssuer, type TestIssuer } from './access-tokens.ts';
import { tempDataDir } from './temp-data-dir.ts';

/** A token issuer and its JWKS endpoint, which several processes of one test may share. */
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

export interface ServiceAlone {
  platform: RunningPlatform;
  url: string;
  issuer: TestIssuer;
  /** Its VERSAAI_DATA_DIR (SQLite files, the embedded bus). */
  dataDir: string;
  /** Stops the process, removes its data and, when it made its own, the identity. */
  stop(): Promise<void>;
}

/**
 * Services alone in their process, as in the distributed topology: they trust no gateway and
 * verify every token against the JWKS of a test issuer (their own unless `identity` is shared).
 */
export async function startServiceAlone(services: ServiceDefinition[], env: Record<string, string> = {}, identity?: TestIdentity): Promise<ServiceAlone> {
  const ownIdentity = identity ? undefined : await startTestIdentity();
  const { issuer, jwksUrl } = identity ?? ownIdentity!;
  const dataDir = await tempDataDir();
  try {
    const platform = await startPlatform({
      services,
      separateProcesses: true,
      env: {
        PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: dataDir.dir, AUTH_JWKS_URL: jwksUrl,
        BUS_BLOCK_MS: '100', ...env,
      },
    });
    return {
      platform,
      url: platform.url,
      issuer,
      dataDir: dataDir.dir,
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
