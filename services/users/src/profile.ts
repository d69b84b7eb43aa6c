/** A user's profile as the API returns it. */
export interface Profile {
  userId: string;
  email: string;
  displayName: string | null;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
}

export const profileSchema = {
  type: 'object',
  required: ['userId', 'email', 'displayName', 'locale', 'createdAt', 'updatedAt'],
  properties: {
    userId: { type: 'string' },
    email: { type: 'string' },
    displayName: { type: ['string', 'null'] },
    locale: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;
