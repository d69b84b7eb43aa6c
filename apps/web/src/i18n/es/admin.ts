import type { adminEn } from '../en/admin.ts';

export const adminEs: typeof adminEn = {
  admin: {
    title: 'Administración',
  },
};
