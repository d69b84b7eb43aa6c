// The users service's shapes the web app reads and writes (docs/users.md).

import type { Role } from './auth.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const PROFILE_LOCALES = ['es', 'en'] as const;
export type ProfileLocale = (typeof PROFILE_LOCALES)[number];

export const NOTIFICATION_CHANNELS = ['email', 'slack', 'push', 'inApp'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export type NotificationPreferences = Record<NotificationChannel, boolean>;

export interface UserPreferences {
  /** Model id the chat starts with; null: the platform's default. */
  defaultModel: string | null;
  theme: Theme;
  notifications: NotificationPreferences;
}

/** `GET /api/users/me`: the caller's profile with the preferences inside. */
export interface MeDocument {
  userId: string;
  email: string;
  displayName: string | null;
  avatarUrl: string | null;
  /** Null: follow the browser's language. */
  locale: ProfileLocale | null;
  /** IANA name (Europe/Madrid); null: the browser's zone. */
  timeZone: string | null;
  role: Role;
  status: 'active' | 'disabled';
  createdAt: string;
  updatedAt: string;
  preferences: UserPreferences;
}

/** `PATCH /api/users/me`: a JSON merge patch; null clears a nullable field, absent fields stay. */
export interface MePatch {
  displayName?: string | null;
  avatarUrl?: string | null;
  locale?: ProfileLocale | null;
  timeZone?: string | null;
  preferences?: {
    defaultModel?: string | null;
    theme?: Theme;
    notifications?: Partial<NotificationPreferences>;
  };
}
