import type { appEn } from '../en/app.ts';

export const appEs: typeof appEn = {
  app: {
    name: 'VersaAI',
    skipToContent: 'Saltar al contenido',
    language: 'Idioma',
    loading: 'Cargando…',
    notFound: 'Esta página no existe.',
    goHome: 'Ir a la página de inicio',
    chat: 'Chat',
    settings: 'Ajustes',
    admin: 'Administración',
    showConversations: 'Conversaciones',
    hideConversations: 'Ocultar conversaciones',
    userMenu: 'Cuenta',
  },
  locale: {
    en: 'English',
    es: 'Español',
  },
};
