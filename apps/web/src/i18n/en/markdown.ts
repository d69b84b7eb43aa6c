export const markdownEn = {
  markdown: {
    title: 'Formatted text',
    copy: 'Copy',
    copyCode: 'Copy code',
    copied: 'Copied',
    copyFailed: 'Could not copy. Select the code and copy it by hand.',
    plainText: 'text',
  },
};
