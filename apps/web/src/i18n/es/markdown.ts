import type { markdownEn } from '../en/markdown.ts';

export const markdownEs: typeof markdownEn = {
  markdown: {
    title: 'Texto con formato',
    copy: 'Copiar',
    copyCode: 'Copiar código',
    copied: 'Copiado',
    copyFailed: 'No se pudo copiar. Selecciona el código y cópialo a mano.',
    plainText: 'texto',
  },
};
