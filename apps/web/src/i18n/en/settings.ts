export const settingsEn = {
  settings: {
    title: 'Settings',
  },
};
