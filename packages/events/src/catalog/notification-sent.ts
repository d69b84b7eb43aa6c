import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  notificationId: z.string().min(1),
  userId: z.string().min(1),
  channel: z.enum(['email', 'slack', 'push', 'in_app']),
  status: z.string().min(1),
});

export const notificationSent = defineEvent('notification.sent', { 1: v1 }, 1);
