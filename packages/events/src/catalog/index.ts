import type { z } from 'zod';
import type { EventDefinition } from './define-event.ts';
import { aiResponseGenerated } from './ai-response-generated.ts';
import { messageSent } from './message-sent.ts';
import { notificationSent } from './notification-sent.ts';
import { paymentProcessed } from './payment-processed.ts';
import { userRegistered } from './user-registered.ts';
import { userUpdated } from './user-updated.ts';
import { userDeleted } from './user-deleted.ts';
import { authEmailVerificationRequested } from './auth-email-verification-requested.ts';
import { authPasswordResetRequested } from './auth-password-reset-requested.ts';
import { conversationTitleGenerated } from './conversation-title-generated.ts';

export { defineEvent, type EventDefinition } from './define-event.ts';
export { chatTurnSchema } from './message-sent.ts';

/**
 * Every event type of the platform. To add a type: one file with `defineEvent`, one line
 * here. To add a version: add its schema to the file and move `latest`; keep the old
 * versions so entries already on a stream still decode.
 */
const definitions = [
  userRegistered, userUpdated, userDeleted, authEmailVerificationRequested, authPasswordResetRequested,
  messageSent, aiResponseGenerated, conversationTitleGenerated, paymentProcessed, notificationSent,
] as const;

type Definitions = (typeof definitions)[number];

export type EventType = Definitions['type'];

type DefinitionOf<T extends EventType> = Extract<Definitions, { type: T }>;

/** Data of the latest version of an event type (what producers write). */
type LatestSchema<D extends Definitions> = D['versions'][D['latest'] & keyof D['versions']];
export type EventData<T extends EventType> = z.infer<LatestSchema<DefinitionOf<T>> & z.ZodType>;

export const eventCatalog: { readonly [T in EventType]: DefinitionOf<T> } = Object.fromEntries(
  definitions.map((definition) => [definition.type, definition]),
) as { [T in EventType]: DefinitionOf<T> };

export const eventTypes: readonly EventType[] = definitions.map((definition) => definition.type);

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

/** The catalog entry of a type, untyped: for code that handles any event (decoding, tooling). */
export function eventDefinition(type: string): EventDefinition | undefined {
  return isEventType(type) ? (eventCatalog[type] as EventDefinition) : undefined;
}
