import { z } from 'zod';

/**
 * An e-mail with a single-use link should be sent. `url` holds the token (auth stores only its
 * hash): the notification service delivers it and nobody logs it.
 */
export const emailLinkV1 = z.object({
  userId: z.string().min(1),
  email: z.email(),
  url: z.url(),
  expiresAt: z.iso.datetime({ offset: true }),
  locale: z.enum(['es', 'en']).optional(),
});
