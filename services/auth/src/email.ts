/** The form e-mails are stored and compared in: `  Ada@Example.COM ` and `ada@example.com` are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
