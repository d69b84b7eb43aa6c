export const appEn = {
  app: {
    name: 'VersaAI',
    skipToContent: 'Skip to content',
    language: 'Language',
    loading: 'Loading…',
    notFound: 'This page does not exist.',
    goHome: 'Go to the start page',
    chat: 'Chat',
    settings: 'Settings',
    admin: 'Administration',
    showConversations: 'Conversations',
    hideConversations: 'Hide conversations',
    userMenu: 'Account',
  },
  locale: {
    en: 'English',
    es: 'Español',
  },
};
