import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  userId: z.string().min(1),
  email: z.email(),
  displayName: z.string().optional(),
  registeredAt: z.iso.datetime({ offset: true }),
});

export const userRegistered = defineEvent('user.registered', { 1: v1 }, 1);
