import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ConfigError, createHttpApp, createLogger, createMetrics, httpServerStep, redactConfig,
  type Logger, type ReadinessCheck, type ShutdownStep } from '@versaai/kernel';
import type { BusTransport } from '@versaai/events';
import type { GatewayDefinition, MountService } from './gateway-definition.ts';
import { openHostedService, type HostedService } from './hosted-service.ts';
import { parallelStep, runSteps } from './shutdown-steps.ts';
import { startBusHousekeeping } from './bus-housekeeping.ts';
import { registerProcessStatus } from './process-status.ts';
import { describeTransport, openTransport } from './open-transport.ts';
import { parsePlatformConfig, type PlatformConfig } from './platform-config.ts';
import { describeRateLimiter, openRateLimiter } from './open-rate-limiter.ts';
import type { PubSub, RateLimiter, ResponseStreamStore, RevocationList } from '@versaai/storage';
import { installTokenVerifier } from '@versaai/identity';
import { openPubSub, openResponseStreams, openRevocationList, openTokenVerifier } from './open-identity.ts';
import type { ServiceDefinition } from './service-definition.ts';

export interface StartPlatformOptions {
  services: ServiceDefinition[];
  env?: NodeJS.ProcessEnv;
  /** The edge; given → this process serves the gateway (hosted services in-process, the others proxied). */
  gateway?: GatewayDefinition;
  /** True when this process is one of several (`--service`); enables the checks that only matter then. */
  separateProcesses?: boolean;
  /** Defaults to a JSON logger on stdout at LOG_LEVEL. */
  logger?: Logger;
}

export interface RunningPlatform {
  /** Base URL of this process, e.g. http://127.0.0.1:8080. */
  url: string;
  app: FastifyInstance;
  config: PlatformConfig;
  logger: Logger;
  /** Graceful shutdown, in order: HTTP drain (and proxy pools), consumers, relays, transport, databases. */
  steps: ShutdownStep[];
  services: ReadonlyMap<string, HostedService>;
  stop(): Promise<void>;
}

function processName(opts: StartPlatformOptions): string {
  const names = opts.services.map((service) => service.name);
  if (opts.gateway) names.unshift('gateway');
  return opts.separateProcesses ? names.join(',') : 'versaai';
}

function assertGatewayCanReachEveryService(gateway: GatewayDefinition, hosted: Set<string>, config: PlatformConfig): void {
  const missing = gateway.services().filter((service) => !hosted.has(service) && !config.upstreams[service]?.length);
  if (missing.length > 0) {
    throw new ConfigError([{
      variable: 'VERSAAI_UPSTREAMS',
      problem: `has no URL for ${missing.join(', ')} (the gateway proxies every service it does not host)`,
    }]);
  }
}

function listeningUrl(app: FastifyInstance, host: string): string {
  const address = app.server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; the URL is for this machine's clients and tests.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
}

/** Hosts services (and optionally the gateway) in this process and starts listening. */
export async function startPlatform(opts: StartPlatformOptions): Promise<RunningPlatform> {
  const config = parsePlatformConfig(opts.env ?? process.env, { separateProcesses: opts.separateProcesses });
  const hostedNames = new Set(opts.services.map((service) => service.name));
  if (hostedNames.size !== opts.services.length) throw new Error('A service is listed twice');
  if (opts.gateway) assertGatewayCanReachEveryService(opts.gateway, hostedNames, config);

  const logger = opts.logger ?? createLogger({ service: processName(opts), level: config.logLevel });
  const metrics = createMetrics();
  const hosted = new Map<string, HostedService>();
  let transport: BusTransport | undefined;
  let housekeeping: ShutdownStep | undefined;
  let rateLimiter: RateLimiter | undefined;
  let revocations: RevocationList | undefined;
  let responseStreams: ResponseStreamStore | undefined;
  let pubsub: PubSub | undefined;
  // Known once listening; the all-in-one verifier fetches this process's own JWKS from it.
  const self: { url?: string } = {};
  // Teardown of what has been opened so far, used if the boot fails half-way. Steps of the
  // same kind run in parallel: each consumer drains its in-flight handlers, and those waits
  // must not add up against the shutdown deadline as services are added.
  const openedSteps = (): ShutdownStep[] => {
    const services = [...hosted.values()];
    return [
      // After the HTTP drain: requests still in flight may be counting.
      ...(rateLimiter ? [{ name: 'rate-limiter', close: () => rateLimiter!.close() }] : []),
      ...(revocations ? [{ name: 'revocation-list', close: () => revocations!.close() }] : []),
      ...(housekeeping ? [housekeeping] : []),
      parallelStep('consumers', services.flatMap((service) => (service.stopConsumer ? [service.stopConsumer] : []))),
      parallelStep('outbox-relays', services.map((service) => service.stopRelay)),
      // After the consumers: a handler still finishing may append its last entries.
      ...(responseStreams ? [{ name: 'response-streams', close: () => responseStreams!.close() }] : []),
      ...(pubsub ? [{ name: 'pubsub', close: () => pubsub!.close() }] : []),
      ...(transport ? [{ name: 'bus-transport', close: () => transport!.close() }] : []),
      parallelStep('databases', services.map((service) => service.closeDatabase)),
    ];
  };

  let app: FastifyInstance | undefined;
  try {
    // Resolved first: a process that cannot verify tokens must not start at all.
    const verifier = openTokenVerifier(config, {
      hostsAuth: hostedNames.has('auth'), separateProcesses: Boolean(opts.separateProcesses), selfUrl: () => self.url,
    });
    revocations = openRevocationList(config);
    responseStreams = openResponseStreams(config);
    pubsub = openPubSub(config);
    if (opts.services.length > 0) transport = await openTransport(config, logger);
    for (const definition of opts.services) {
      hosted.set(definition.name, await openHostedService(definition, { config, transport: transport!, logger, metrics, revocations, responseStreams, pubsub, env: opts.env ?? process.env }));
    }
    const busChecks: ReadinessCheck[] = transport ? [{ name: 'bus', check: () => transport!.ping() }] : [];
    const readiness: ReadinessCheck[] = [...[...hosted.values()].flatMap((service) => service.readiness), ...busChecks];

    app = createHttpApp({ service: processName(opts), logger, metrics, readiness });
    installTokenVerifier(app, verifier);
    registerProcessStatus(app, {
      services: [...hosted.values()].map((service) => ({ name: service.name, readiness: service.readiness, consumes: Boolean(service.stopConsumer) })),
      processChecks: busChecks,
      transport,
    });
    if (opts.gateway) {
      const mounts = new Map<string, MountService>([...hosted].map(([name, service]) => [name, (scope) => service.mount(scope)]));
      rateLimiter = openRateLimiter(config);
      await opts.gateway.register(app, {
        logger, hosted: mounts, upstreams: config.upstreams, rateLimiter, rateLimits: config.rateLimits, env: opts.env ?? process.env, metrics, verifier, revocations,
      });
    } else {
      for (const service of hosted.values()) await service.mount(app);
    }
    for (const service of hosted.values()) service.start();
    if (transport) {
      housekeeping = startBusHousekeeping({
        transport,
        services: [...hosted.values()].map((service) => ({ name: service.name, database: service.context.database, consumes: Boolean(service.stopConsumer) })),
        config,
        logger,
      });
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    if (app) await app.close().catch(() => {});
    await runSteps(openedSteps(), logger);
    throw error;
  }

  const listening = app;
  // Closing the HTTP app also closes the gateway's proxy connection pools (a Fastify onClose hook).
  const steps: ShutdownStep[] = [httpServerStep(listening), ...openedSteps()];
  const url = listeningUrl(listening, config.host);
  self.url = url;
  logger.info({
    url,
    services: [...hostedNames],
    gateway: Boolean(opts.gateway),
    rateLimiter: opts.gateway ? describeRateLimiter(config) : null,
    bus: hosted.size > 0 ? describeTransport(config) : null,
    config: redactConfig(config),
  }, 'platform started');

  if (opts.separateProcesses && hosted.size > 0 && !config.redisUrl) {
    // Works through the shared bus.db file, but a process only wakes on its own appends: events
    // from other processes wait for the next poll. Fine for trying things out, not for production.
    logger.warn({ bus: describeTransport(config) }, 'separate processes share the embedded bus; set REDIS_URL for the distributed topology');
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    app: listening,
    config,
    logger,
    steps,
    services: hosted,
    stop: () => (stopping ??= runSteps(steps, logger)),
  };
}
