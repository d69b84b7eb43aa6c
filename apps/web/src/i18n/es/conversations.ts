import type { conversationsEn } from '../en/conversations.ts';

export const conversationsEs: typeof conversationsEn = {
  sidebar: {
    title: 'Conversaciones',
  },
};
