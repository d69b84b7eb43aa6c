import { requestContext } from '@versaai/kernel';
import { describe, expect, it } from 'vitest';
import { eventCatalog, eventTypes } from '../src/catalog/index.ts';
import { createEvent } from '../src/create-event.ts';
import { decodeEvent } from '../src/decode-event.ts';
import { encodeEvent } from '../src/envelope.ts';
import { InvalidEventDataError } from '../src/event-errors.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEvent', () => {
  it('builds an envelope of the latest version that decodes back to itself', () => {
    const event = createEvent(
      'ai.response.generated',
      {
        conversationId: 'c1',
        messageId: 'm1',
        responseId: 'r1',
        userId: 'u1',
        status: 'completed',
        content: 'Hola',
        model: 'llama-3.1-8b-instant',
        provider: 'groq',
        usage: { promptTokens: 12, completionTokens: 3 },
        finishReason: 'stop',
        costUsd: 0,
        cached: false,
      },
      { source: 'ai', key: 'c1' },
    );
    expect(event.id).toMatch(UUID_V7);
    expect(event.version).toBe(eventCatalog['ai.response.generated'].latest);
    expect(event.key).toBe('c1');
    expect(event.causationId).toBeNull();
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('gives ids that sort in creation order', () => {
    const ids = Array.from({ length: 50 }, () => createEvent('user.updated', { userId: 'u', changes: {} }, { source: 'users' }).id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('takes the correlation id of the current request, else its own id', () => {
    const alone = createEvent('user.updated', { userId: 'u', changes: { locale: 'es' } }, { source: 'users' });
    expect(alone.correlationId).toBe(alone.id);
    const inRequest = requestContext.run({ requestId: 'r-1', correlationId: 'corr-9' }, () =>
      createEvent('user.updated', { userId: 'u', changes: {} }, { source: 'users' }),
    );
    expect(inRequest.correlationId).toBe('corr-9');
    const explicit = requestContext.run({ requestId: 'r-1', correlationId: 'corr-9' }, () =>
      createEvent('user.updated', { userId: 'u', changes: {} }, { source: 'users', correlationId: 'mine' }),
    );
    expect(explicit.correlationId).toBe('mine');
  });

  it('refuses data that does not match the catalog', () => {
    const build = () =>
      createEvent('notification.sent', { notificationId: 'n', userId: 'u', channel: 'pigeon' as 'email', status: 'sent' }, { source: 'notifications' });
    expect(build).toThrow(InvalidEventDataError);
    expect(build).toThrow(/channel/);
  });

  it('has a schema for the latest version of every type', () => {
    expect(eventTypes).toEqual(
      expect.arrayContaining(['user.registered', 'user.updated', 'message.sent', 'ai.response.generated', 'payment.processed', 'notification.sent']),
    );
    for (const type of eventTypes) {
      const definition = eventCatalog[type];
      expect(definition.versions[definition.latest as keyof typeof definition.versions]).toBeDefined();
    }
  });
});
