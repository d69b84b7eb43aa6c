import { requestContext } from '@versaai/kernel';
import { v7 as uuidv7 } from 'uuid';
import { eventCatalog, type EventData, type EventDefinition, type EventType } from './catalog/index.ts';
import type { EventEnvelope } from './envelope.ts';
import { describeIssues, InvalidEventDataError } from './event-errors.ts';

export interface EventMeta {
  /** The producing service. */
  source: string;
  /** Defaults to the current request's correlation id, or to the new event's id. */
  correlationId?: string;
  causationId?: string | null;
  key?: string | null;
}

/**
 * Builds an event of the latest version of its type. The data is checked against the catalog
 * here, so a producer bug fails in the producer and never reaches a consumer's dead letters.
 */
export function createEvent<T extends EventType>(type: T, data: EventData<T>, meta: EventMeta): EventEnvelope<EventData<T>> {
  const definition: EventDefinition = eventCatalog[type];
  const schema = definition.versions[definition.latest];
  if (!schema) throw new InvalidEventDataError(`${type} has no schema for its latest version ${definition.latest}`);
  const checked = schema.safeParse(data);
  if (!checked.success) {
    throw new InvalidEventDataError(`${type} v${definition.latest} data is invalid: ${describeIssues(checked.error)}`);
  }
  const id = uuidv7();
  return {
    id,
    type,
    version: definition.latest,
    occurredAt: new Date().toISOString(),
    source: meta.source,
    correlationId: meta.correlationId ?? requestContext.get()?.correlationId ?? id,
    causationId: meta.causationId ?? null,
    key: meta.key ?? null,
    data: checked.data as EventData<T>,
  };
}
