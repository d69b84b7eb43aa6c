import { migrateServices } from '@versaai/runtime';
import { allServices } from '../services.ts';
import { selectServices } from '../select-services.ts';

/** `versaai db migrate [--service x]`: applies pending migrations and exits. */
export async function dbMigrateCommand(opts: { service?: string }): Promise<void> {
  const { services } = selectServices(allServices, opts.service);
  const results = await migrateServices({ services });
  for (const { service, applied } of results) {
    console.log(applied.length === 0 ? `${service}: up to date` : `${service}: applied ${applied.join(', ')}`);
  }
}
