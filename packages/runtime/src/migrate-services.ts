import { createLogger, type Logger } from '@versaai/kernel';
import { openServiceDatabase } from './hosted-service.ts';
import { parsePlatformConfig } from './platform-config.ts';
import type { ServiceDefinition } from './service-definition.ts';

/** Applies every pending migration of the given services, then closes their databases. */
export async function migrateServices(opts: {
  services: ServiceDefinition[];
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}): Promise<Array<{ service: string; applied: string[] }>> {
  const config = parsePlatformConfig(opts.env ?? process.env);
  const logger = opts.logger ?? createLogger({ service: 'versaai-migrate', level: config.logLevel });
  const done: Array<{ service: string; applied: string[] }> = [];
  for (const definition of opts.services) {
    const { database, applied } = await openServiceDatabase(definition, config, logger);
    await database.close();
    done.push({ service: definition.name, applied });
  }
  return done;
}
