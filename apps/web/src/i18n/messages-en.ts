import { errorsEn } from './errors-en.ts';
import { adminEn } from './en/admin.ts';
import { appEn } from './en/app.ts';
import { authEn } from './en/auth.ts';
import { chatEn } from './en/chat.ts';
import { conversationsEn } from './en/conversations.ts';
import { markdownEn } from './en/markdown.ts';
import { settingsEn } from './en/settings.ts';

// One file per area of the app (en/<area>.ts, es/<area>.ts) so that work on one page never edits another's strings.
export const messagesEn = {
  ...appEn,
  ...authEn,
  ...chatEn,
  ...conversationsEn,
  ...markdownEn,
  ...settingsEn,
  ...adminEn,
  errors: errorsEn,
};

export type MessageSchema = typeof messagesEn;
