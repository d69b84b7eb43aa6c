import { z } from 'zod';
import { defineEvent } from './define-event.ts';

/** The account is gone: every service erases what it holds about this user. */
const v1 = z.object({
  userId: z.string().min(1),
  deletedAt: z.iso.datetime({ offset: true }),
});

export const userDeleted = defineEvent('user.deleted', { 1: v1 }, 1);
