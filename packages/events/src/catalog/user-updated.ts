import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  userId: z.string().min(1),
  /** Only the fields that changed, with their new values. */
  changes: z.record(z.string(), z.unknown()),
});

export const userUpdated = defineEvent('user.updated', { 1: v1 }, 1);
