export const markdownEn = {
  markdown: {
    title: 'Formatted text',
  },
};
