import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../src/decode-event.ts';
import { EventDecodeError } from '../src/event-errors.ts';

const validEnvelope = {
  id: '01936b2e-8a4f-7c3d-9e2b-5f6a7b8c9d0e',
  type: 'user.registered',
  version: 1,
  occurredAt: '2025-01-02T03:04:05.678Z',
  source: 'auth',
  correlationId: 'corr-1',
  causationId: null,
  key: 'user-1',
  data: { userId: 'user-1', email: 'ana@example.com', registeredAt: '2025-01-02T03:04:05.000Z' },
};

function decodeFailure(payload: string): EventDecodeError {
  try {
    decodeEvent(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(EventDecodeError);
    return error as EventDecodeError;
  }
  throw new Error('decodeEvent accepted the payload');
}

describe('decodeEvent', () => {
  it('returns the envelope of a valid event', () => {
    const event = decodeEvent(JSON.stringify(validEnvelope));
    expect(event).toEqual(validEnvelope);
  });

  it('drops data fields the schema does not know', () => {
    const event = decodeEvent(JSON.stringify({ ...validEnvelope, data: { ...validEnvelope.data, extra: 1 } }));
    expect(event.data).not.toHaveProperty('extra');
  });

  it('rejects a payload that is not JSON as MALFORMED_EVENT', () => {
    const error = decodeFailure('{"id": ');
    expect(error.code).toBe('MALFORMED_EVENT');
    expect(error.message).toMatch(/not JSON/);
  });

  it('rejects JSON that is not an object as MALFORMED_EVENT', () => {
    expect(decodeFailure('[1,2]').code).toBe('MALFORMED_EVENT');
    expect(decodeFailure('null').code).toBe('MALFORMED_EVENT');
  });

  it('rejects a broken envelope as MALFORMED_EVENT naming the fields', () => {
    const { occurredAt: _omitted, ...withoutDate } = validEnvelope;
    const error = decodeFailure(JSON.stringify({ ...withoutDate, version: 'one' }));
    expect(error.code).toBe('MALFORMED_EVENT');
    expect(error.message).toContain('version');
    expect(error.message).toContain('occurredAt');
  });

  it('rejects an unknown type as UNKNOWN_EVENT_TYPE', () => {
    const error = decodeFailure(JSON.stringify({ ...validEnvelope, type: 'user.teleported' }));
    expect(error.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(error.message).toBe('event type "user.teleported" is not known');
  });

  it('rejects an unknown version of a known type as UNKNOWN_EVENT_VERSION listing the known ones', () => {
    const error = decodeFailure(JSON.stringify({ ...validEnvelope, version: 9 }));
    expect(error.code).toBe('UNKNOWN_EVENT_VERSION');
    expect(error.message).toBe('user.registered version 9 is not known (known: 1)');
  });

  it('rejects data that fails the schema as INVALID_EVENT_DATA with the issue paths', () => {
    const error = decodeFailure(
      JSON.stringify({
        ...validEnvelope,
        type: 'ai.response.generated',
        data: { conversationId: 'c', messageId: 'm', responseId: 'r', userId: 'u', status: 'completed', content: 'hi', model: 'llama', provider: 'groq', usage: { promptTokens: 'ten' }, finishReason: 'stop' },
      }),
    );
    expect(error.code).toBe('INVALID_EVENT_DATA');
    expect(error.message).toContain('usage.promptTokens');
    expect(error.message).toContain('usage.completionTokens');
  });

  it('does not treat inherited object keys as event types or versions', () => {
    expect(decodeFailure(JSON.stringify({ ...validEnvelope, type: 'constructor' })).code).toBe('UNKNOWN_EVENT_TYPE');
  });
});
