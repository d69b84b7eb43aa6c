import type { Role } from '@versaai/identity';

export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A user's profile: what they chose (name, avatar, locale, time zone) and what admins set (role, status). */
export interface Profile {
  userId: string;
  email: string;
  displayName: string | null;
  avatarUrl: string | null;
  /** Null: follow the browser's language. */
  locale: Locale | null;
  /** IANA name, canonical (e.g. Europe/Madrid); null: the browser's zone. */
  timeZone: string | null;
  role: Role;
  status: UserStatus;
  createdAt: string;
  updatedAt: string;
}

export const profileProperties = {
  userId: { type: 'string' },
  email: { type: 'string' },
  displayName: { type: ['string', 'null'] },
  avatarUrl: { type: ['string', 'null'] },
  locale: { type: ['string', 'null'], enum: [...LOCALES, null] },
  timeZone: { type: ['string', 'null'] },
  role: { type: 'string', enum: ['user', 'admin'] },
  status: { type: 'string', enum: [...USER_STATUSES] },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const;

/** Response schema of one profile; it also keeps any other column from reaching a client. */
export const profileSchema = {
  type: 'object',
  required: Object.keys(profileProperties),
  properties: profileProperties,
} as const;

/** Path parameters of the routes that name one user by id. */
export const userIdParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
