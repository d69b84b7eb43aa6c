import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  userId: z.string().min(1),
  /**
   * Only the fields that changed, with their new values. The users service writes displayName,
   * avatarUrl, locale, timeZone, preferences, role ('user' | 'admin') and status ('active' |
   * 'disabled'); auth projects role and status (who may log in, and as what). Consumers parse
   * the fields they use with their own schema.
   */
  changes: z.record(z.string(), z.unknown()),
});

export const userUpdated = defineEvent('user.updated', { 1: v1 }, 1);
