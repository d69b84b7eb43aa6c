import type { Migration } from '@versaai/storage';

/**
 * What auth needs to decide whether a credential may log in and with which role: the role and
 * status are projected from the users service's admin actions (user.updated), or set by the
 * `users create-admin` command for the first admin.
 */
export const addCredentialStatus: Migration = {
  name: '0002_auth_credential_status',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema.alterTable('credentials').addColumn('role', 'text', (column) => column.notNull().defaultTo('user')).execute();
    await db.schema.alterTable('credentials').addColumn('status', 'text', (column) => column.notNull().defaultTo('active')).execute();
    await db.schema.alterTable('credentials').addColumn('email_verified_at', timestamp).execute();
    await db.schema.alterTable('credentials').addColumn('password_changed_at', timestamp).execute();
  },
};
