import type { BalancerKind } from '../gateway-config.ts';
import type { Replica } from './replica.ts';

/** Picks the replica for the next call among the available ones, skipping those already tried for this request. */
export type Balancer = (exclude?: ReadonlySet<Replica>) => Replica | undefined;

/**
 * least-in-flight: the available replica with the fewest calls under way; ties go round-robin
 * (the scan starts after the last pick), so an idle pool is spread evenly and a slow replica
 * gets less. round-robin: the next available replica in turn.
 */
export function createBalancer(kind: BalancerKind, replicas: readonly Replica[]): Balancer {
  if (replicas.length === 0) throw new Error('A balancer needs at least one replica');
  let cursor = 0;
  const scan = (eligible: (replica: Replica) => boolean): number | undefined => {
    let best: number | undefined;
    for (let step = 0; step < replicas.length; step++) {
      const index = (cursor + step) % replicas.length;
      const replica = replicas[index]!;
      if (!eligible(replica)) continue;
      if (best === undefined || replica.inFlight < replicas[best]!.inFlight) best = index;
      if (kind === 'round-robin') break;
    }
    return best;
  };
  return (exclude) => {
    const best = scan((replica) => !exclude?.has(replica) && replica.available())
      // Panic mode (as in Envoy): when /ready fails everywhere (a shared dependency blips, or
      // the gateway started before its services) the checks stop steering and the breakers
      // alone decide; a failing /ready never makes a service unreachable on its own.
      ?? (replicas.every((replica) => !replica.healthy) ? scan((replica) => !exclude?.has(replica) && replica.breaker.canPass()) : undefined);
    if (best === undefined) return undefined;
    cursor = (best + 1) % replicas.length;
    return replicas[best];
  };
}
