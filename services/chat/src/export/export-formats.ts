import type { Message } from '../api-types.ts';
import type { ConversationExport } from './conversation-export.ts';

export const EXPORT_FORMATS = ['json', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Version of the JSON document's shape, so an importer can tell what it reads. */
export const JSON_EXPORT_FORMAT = 'versaai.conversation.v1';

/** JSON: the whole tree (every edit and regeneration), with the ids that link it and the active branch. */
export function toJsonExport(data: ConversationExport, exportedAt: string): string {
  return `${JSON.stringify({
    format: JSON_EXPORT_FORMAT,
    exportedAt,
    conversation: data.conversation,
    activePath: data.activePath.map((message) => message.id),
    messages: data.messages,
  }, null, 2)}\n`;
}

const ROLE_NAMES: Record<Message['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System' };

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function heading(message: Message): string {
  const parts = [`**${ROLE_NAMES[message.role] ?? message.role}**`];
  if (message.model) parts.push(`\`${oneLine(message.model)}\`${message.provider ? ` (${oneLine(message.provider)})` : ''}`);
  parts.push(message.createdAt);
  if (message.status !== 'completed') parts.push(`_${message.status}${message.errorCode ? `: ${message.errorCode}` : ''}_`);
  return parts.join(' · ');
}

/**
 * Markdown: the active branch as a reader sees it, each message under its role, model and
 * time. Message text is Markdown already and is kept as written.
 */
export function toMarkdownExport(data: ConversationExport, exportedAt: string): string {
  const { conversation } = data;
  const lines = [
    `# ${oneLine(conversation.title ?? '') || 'Untitled conversation'}`,
    '',
    `- Conversation: \`${conversation.id}\``,
    `- Created: ${conversation.createdAt}`,
    `- Exported: ${exportedAt}`,
    `- Messages: ${data.activePath.length} on this branch (${data.messages.length} in all branches; the JSON export has every branch)`,
  ];
  for (const message of data.activePath) lines.push('', '---', '', heading(message), '', message.content);
  return `${lines.join('\n')}\n`;
}

/** An ASCII file name from the title (accents dropped), so every browser saves it as such. */
export function exportFileName(title: string | null, format: ExportFormat): string {
  const slug = (title ?? '').normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60).toLowerCase();
  return `${slug || 'conversation'}.${format === 'json' ? 'json' : 'md'}`;
}
