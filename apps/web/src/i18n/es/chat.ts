import type { chatEn } from '../en/chat.ts';

export const chatEs: typeof chatEn = {
  chat: {
    conversations: 'Conversaciones',
    newChat: 'Nuevo chat',
    noConversations: 'Todavía no hay conversaciones.',
    untitled: 'Conversación sin título',
    emptyTitle: '¿En qué puedo ayudarte?',
    messageLabel: 'Mensaje',
    placeholder: 'Escribe un mensaje…',
    send: 'Enviar',
    you: 'Tú',
    assistant: 'Asistente',
    thinking: 'Pensando…',
    failed: 'La respuesta falló.',
    cancelled: 'La respuesta se detuvo.',
    answeredBy: 'Respondido por {model}',
    messages: 'Mensajes',
    mainMenu: 'Menú principal',
    signedInAs: 'Sesión iniciada como {email}',
  },
};
