import { LOCALES, type Locale, type Profile } from './profile.ts';
import { NOTIFICATION_CHANNELS, THEMES, type NotificationPreferences, type Preferences, type Theme } from './preferences.ts';
import { AVATAR_URL_MAX_LENGTH, checkAvatarUrl, checkDisplayName, checkModelId, checkTimeZone, validationFailed, type FieldError } from './validation/fields.ts';
import type { MeDocument } from './me.ts';

/** `PATCH /api/users/me` body: a JSON merge patch (RFC 7396) of the user's own fields; null clears a nullable one. */
export interface MePatch {
  displayName?: string | null;
  avatarUrl?: string | null;
  locale?: Locale | null;
  timeZone?: string | null;
  preferences?: {
    defaultModel?: string | null;
    theme?: Theme;
    notifications?: Partial<NotificationPreferences>;
  };
}

export const mePatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    displayName: { type: ['string', 'null'], minLength: 1, maxLength: 80 },
    avatarUrl: { type: ['string', 'null'], minLength: 1, maxLength: AVATAR_URL_MAX_LENGTH },
    locale: { type: ['string', 'null'], enum: [...LOCALES, null] },
    timeZone: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    preferences: {
      type: 'object',
      additionalProperties: false,
      properties: {
        defaultModel: { type: ['string', 'null'], minLength: 1, maxLength: 100 },
        theme: { type: 'string', enum: [...THEMES] },
        notifications: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(NOTIFICATION_CHANNELS.map((channel) => [channel, { type: 'boolean' }])),
        },
      },
    },
  },
} as const;

type ProfileFields = Pick<Profile, 'displayName' | 'avatarUrl' | 'locale' | 'timeZone'>;

export interface PatchOutcome {
  /** Profile columns whose value changes. */
  profile: Partial<ProfileFields>;
  /** The whole new preferences, when any of them changes. */
  preferences: Preferences | undefined;
  /** Only what changed, as a merge patch of the new values: the `changes` of user.updated. */
  changes: Record<string, unknown>;
}

/** The checks a schema cannot make; throws 400 VALIDATION_FAILED naming every bad field. */
function normalise(patch: MePatch): MePatch {
  const errors: FieldError[] = [];
  const take = <T>(result: T | FieldError): T | undefined => {
    if (typeof result === 'object' && result !== null && 'path' in result) {
      errors.push(result);
      return undefined;
    }
    return result as T;
  };
  const out: MePatch = { ...patch };
  if (typeof patch.displayName === 'string') out.displayName = take(checkDisplayName(patch.displayName));
  if (typeof patch.avatarUrl === 'string') out.avatarUrl = take(checkAvatarUrl(patch.avatarUrl));
  if (typeof patch.timeZone === 'string') out.timeZone = take(checkTimeZone(patch.timeZone));
  if (patch.preferences && typeof patch.preferences.defaultModel === 'string') {
    out.preferences = { ...patch.preferences, defaultModel: take(checkModelId(patch.preferences.defaultModel)) };
  }
  if (errors.length > 0) throw validationFailed(errors);
  return out;
}

/** What applying `patch` to `current` changes; an empty `changes` means nothing to write or publish. */
export function planPatch(current: MeDocument, patch: MePatch): PatchOutcome {
  const next = normalise(patch);
  const profile: Partial<ProfileFields> = {};
  const changes: Record<string, unknown> = {};
  for (const field of ['displayName', 'avatarUrl', 'locale', 'timeZone'] as const) {
    const value = next[field];
    if (value !== undefined && value !== current[field]) {
      (profile as Record<string, unknown>)[field] = value;
      changes[field] = value;
    }
  }

  const preferenceChanges: Record<string, unknown> = {};
  const preferences: Preferences = { ...current.preferences, notifications: { ...current.preferences.notifications } };
  const wanted = next.preferences ?? {};
  if (wanted.defaultModel !== undefined && wanted.defaultModel !== preferences.defaultModel) {
    preferences.defaultModel = preferenceChanges.defaultModel = wanted.defaultModel;
  }
  if (wanted.theme !== undefined && wanted.theme !== preferences.theme) preferences.theme = preferenceChanges.theme = wanted.theme;
  const channelChanges: Partial<NotificationPreferences> = {};
  for (const channel of NOTIFICATION_CHANNELS) {
    const value = wanted.notifications?.[channel];
    if (value !== undefined && value !== preferences.notifications[channel]) preferences.notifications[channel] = channelChanges[channel] = value;
  }
  if (Object.keys(channelChanges).length > 0) preferenceChanges.notifications = channelChanges;
  const preferencesChanged = Object.keys(preferenceChanges).length > 0;
  if (preferencesChanged) changes.preferences = preferenceChanges;

  return { profile, preferences: preferencesChanged ? preferences : undefined, changes };
}
