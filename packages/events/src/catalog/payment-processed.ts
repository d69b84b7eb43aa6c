import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  paymentId: z.string().min(1),
  userId: z.string().min(1),
  amountCents: z.number().int(),
  /** ISO 4217, lower case as Stripe sends it (`eur`), upper case accepted too. */
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  status: z.string().min(1),
  plan: z.string().min(1).optional(),
});

export const paymentProcessed = defineEvent('payment.processed', { 1: v1 }, 1);
