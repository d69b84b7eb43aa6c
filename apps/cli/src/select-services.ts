import { ConfigError } from '@versaai/kernel';
import type { ServiceDefinition } from '@versaai/runtime';

export interface Selection {
  services: ServiceDefinition[];
  gateway: boolean;
  /** True when `--service` was given: this process is one of several. */
  separateProcesses: boolean;
}

/** `--service auth,users` / `--service gateway` / nothing (= everything in one process). */
export function selectServices(all: ServiceDefinition[], option: string | undefined): Selection {
  if (option === undefined) return { services: all, gateway: true, separateProcesses: false };
  const names = option.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const known = new Map(all.map((service) => [service.name, service]));
  const unknown = names.filter((name) => name !== 'gateway' && !known.has(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError([{
      variable: '--service',
      problem: `must list services among ${['gateway', ...known.keys()].join(', ')} (got "${option}")`,
    }]);
  }
  return {
    services: all.filter((service) => names.includes(service.name)),
    gateway: names.includes('gateway'),
    separateProcesses: true,
  };
}
