import type { markdownEn } from '../en/markdown.ts';

export const markdownEs: typeof markdownEn = {
  markdown: {
    title: 'Texto con formato',
  },
};
