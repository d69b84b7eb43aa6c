import { z } from 'zod';
import { envUrl, parseConfig } from '@versaai/kernel';

const shareConfigSchema = z.object({
  /** Where people reach the platform; share links are absolute URLs under it. */
  VERSAAI_PUBLIC_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://localhost:8080' }),
});

export interface ShareConfig {
  /** The public (no login) URL of a share. */
  shareUrl(shareId: string): string;
}

export function parseShareConfig(env: NodeJS.ProcessEnv): ShareConfig {
  const publicUrl = parseConfig(shareConfigSchema, env).VERSAAI_PUBLIC_URL.replace(/\/+$/, '');
  return { shareUrl: (shareId) => `${publicUrl}/api/chat/shared/${shareId}` };
}
