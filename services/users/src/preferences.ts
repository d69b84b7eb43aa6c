import { NOTIFICATION_CHANNELS, THEMES, type UserPreferences } from '@versaai/contracts';

// The shapes are the API's, shared with the web app through the contracts package.
export { NOTIFICATION_CHANNELS, THEMES };
export type { NotificationChannel, NotificationPreferences, Theme } from '@versaai/contracts';
export type Preferences = UserPreferences;

/** What a user who never changed anything gets: e-mail and in-app on, the others opt-in. */
export function defaultPreferences(): Preferences {
  return { defaultModel: null, theme: 'system', notifications: { email: true, slack: false, push: false, inApp: true } };
}

const notificationsSchema = {
  type: 'object',
  required: [...NOTIFICATION_CHANNELS],
  properties: Object.fromEntries(NOTIFICATION_CHANNELS.map((channel) => [channel, { type: 'boolean' }])),
} as const;

export const preferencesSchema = {
  type: 'object',
  required: ['defaultModel', 'theme', 'notifications'],
  properties: {
    defaultModel: { type: ['string', 'null'] },
    theme: { type: 'string', enum: [...THEMES] },
    notifications: notificationsSchema,
  },
} as const;
