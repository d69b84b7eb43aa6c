export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const NOTIFICATION_CHANNELS = ['email', 'slack', 'push', 'inApp'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export type NotificationPreferences = Record<NotificationChannel, boolean>;

export interface Preferences {
  /** Model id the chat starts with; null: the platform's default. */
  defaultModel: string | null;
  theme: Theme;
  /** Whether the user wants notifications on each channel at all. */
  notifications: NotificationPreferences;
}

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
