import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { conversationNotFound } from '../problems.ts';
import { isPlausibleId } from '../shares/plausible-id.ts';
import { loadConversationExport } from './conversation-export.ts';
import { EXPORT_FORMATS, exportFileName, toJsonExport, toMarkdownExport, type ExportFormat } from './export-formats.ts';

const params = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

const query = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: [...EXPORT_FORMATS], default: 'json' } },
} as const;

const CONTENT_TYPES: Record<ExportFormat, string> = { json: 'application/json; charset=utf-8', markdown: 'text/markdown; charset=utf-8' };

/** GET /conversations/:id/export?format=json|markdown: a download of one of the caller's conversations. */
export async function exportRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { format: ExportFormat } }>('/conversations/:id/export', {
    onRequest: authenticate({ scope: 'chat:read' }),
    schema: { params, querystring: query },
  }, async (request, reply) => {
    const data = isPlausibleId(request.params.id) ? await loadConversationExport(ctx.db, request.identity!.userId, request.params.id) : undefined;
    if (!data) throw conversationNotFound();
    const { format } = request.query;
    const exportedAt = new Date().toISOString();
    reply
      .header('content-type', CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${exportFileName(data.conversation.title, format)}"`)
      .header('cache-control', 'no-store');
    return format === 'json' ? toJsonExport(data, exportedAt) : toMarkdownExport(data, exportedAt);
  });
}
