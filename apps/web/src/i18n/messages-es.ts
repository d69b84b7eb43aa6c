import { errorsEs } from './errors-es.ts';
import type { MessageSchema } from './messages-en.ts';
import { adminEs } from './es/admin.ts';
import { appEs } from './es/app.ts';
import { authEs } from './es/auth.ts';
import { chatEs } from './es/chat.ts';
import { conversationsEs } from './es/conversations.ts';
import { markdownEs } from './es/markdown.ts';
import { settingsEs } from './es/settings.ts';

export const messagesEs: MessageSchema = {
  ...appEs,
  ...authEs,
  ...chatEs,
  ...conversationsEs,
  ...markdownEs,
  ...settingsEs,
  ...adminEs,
  errors: errorsEs,
};
