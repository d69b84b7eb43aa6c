import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import { problem } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import { utcDay } from '../quota/utc-day.ts';
import { platformTotals, usageByDay, userTotals } from './usage-store.ts';

const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;

const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', pattern: DAY, description: 'First UTC day (inclusive), default 29 days before `to`' },
    to: { type: 'string', pattern: DAY, description: 'Last UTC day (inclusive), default today' },
  },
} as const;

const totalsSchema = {
  type: 'object',
  required: ['requests', 'promptTokens', 'completionTokens', 'costUsd'],
  properties: { requests: { type: 'integer' }, promptTokens: { type: 'integer' }, completionTokens: { type: 'integer' }, costUsd: { type: 'number' } },
} as const;

interface RangeQuery { from?: string; to?: string }

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The [from, to] range of a request: valid calendar days, in order, at most a year long. */
function range(query: RangeQuery): { from: string; to: string } {
  const to = query.to ?? utcDay();
  const from = query.from ?? utcDay(dayMs(to) - (DEFAULT_RANGE_DAYS - 1) * 86_400_000);
  for (const day of [from, to]) {
    if (Number.isNaN(dayMs(day)) || utcDay(dayMs(day)) !== day) throw problem.badRequest('AI_USAGE_RANGE_INVALID', `${day} is not a calendar day.`);
  }
  if (from > to) throw problem.badRequest('AI_USAGE_RANGE_INVALID', '`from` is after `to`.');
  if ((dayMs(to) - dayMs(from)) / 86_400_000 + 1 > MAX_RANGE_DAYS) throw problem.badRequest('AI_USAGE_RANGE_INVALID', `The range is longer than ${MAX_RANGE_DAYS} days.`);
  return { from, to };
}

/** Usage accounting: my tokens and cost per day and model; totals of everyone for admins. */
export async function usageRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get<{ Querystring: RangeQuery }>('/usage', {
    onRequest: authenticate({ scope: 'ai:use' }),
    schema: {
      querystring: rangeQuery,
      response: {
        200: {
          type: 'object',
          required: ['from', 'to', 'days', 'totals'],
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            days: {
              type: 'array',
              items: {
                type: 'object',
                required: ['day', 'model', 'requests', 'promptTokens', 'completionTokens', 'costUsd'],
                properties: { day: { type: 'string' }, model: { type: 'string' }, ...totalsSchema.properties },
              },
            },
            totals: totalsSchema,
          },
        },
      },
    },
  }, async (request) => {
    const { from, to } = range(request.query);
    const userId = request.identity!.userId;
    const [days, totals] = await Promise.all([usageByDay(ctx.db, userId, from, to), userTotals(ctx.db, userId, from, to)]);
    return { from, to, days, totals };
  });

  app.get<{ Querystring: RangeQuery }>('/admin/usage', {
    onRequest: authenticate({ roles: ['admin'] }),
    schema: {
      querystring: rangeQuery,
      response: {
        200: {
          type: 'object',
          required: ['from', 'to', 'totals', 'users', 'byModel'],
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            totals: totalsSchema,
            users: { type: 'integer' },
            byModel: {
              type: 'array',
              items: {
                type: 'object',
                required: ['model', 'provider', 'requests', 'promptTokens', 'completionTokens', 'costUsd'],
                properties: { model: { type: 'string' }, provider: { type: 'string' }, ...totalsSchema.properties },
              },
            },
          },
        },
      },
    },
  }, async (request) => {
    const { from, to } = range(request.query);
    return { from, to, ...(await platformTotals(ctx.db, from, to)) };
  });
}
