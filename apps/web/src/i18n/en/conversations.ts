export const conversationsEn = {
  sidebar: {
    title: 'Conversations',
  },
};
