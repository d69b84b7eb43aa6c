export const adminEn = {
  admin: {
    title: 'Administration',
  },
};
