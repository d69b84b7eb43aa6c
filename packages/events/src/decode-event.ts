import { eventDefinition } from './catalog/index.ts';
import { envelopeSchema, type EventEnvelope } from './envelope.ts';
import { describeIssues, EventDecodeError } from './event-errors.ts';

/**
 * Turns a stream payload back into an event, checking it in the order that gives the most
 * useful reason: JSON, envelope, type, version, then the data against that version's schema.
 * The returned `data` is the schema's output (unknown keys dropped).
 */
export function decodeEvent(payload: string): EventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (error) {
    throw new EventDecodeError('MALFORMED_EVENT', `payload is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EventDecodeError('MALFORMED_EVENT', 'payload is not a JSON object');
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    throw new EventDecodeError('MALFORMED_EVENT', `envelope is invalid: ${describeIssues(envelope.error)}`);
  }
  const { type, version } = envelope.data;
  const definition = eventDefinition(type);
  if (!definition) {
    throw new EventDecodeError('UNKNOWN_EVENT_TYPE', `event type "${type}" is not known`);
  }
  const schema = Object.hasOwn(definition.versions, version) ? definition.versions[version] : undefined;
  if (!schema) {
    const known = Object.keys(definition.versions).join(', ');
    throw new EventDecodeError('UNKNOWN_EVENT_VERSION', `${type} version ${version} is not known (known: ${known})`);
  }
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new EventDecodeError('INVALID_EVENT_DATA', `${type} v${version} data is invalid: ${describeIssues(data.error)}`);
  }
  return { ...envelope.data, data: data.data };
}
