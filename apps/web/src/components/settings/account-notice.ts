/** The `notice` query the sign-in page gets after the account was deleted (/sign-in?notice=account-deleted). */
export const ACCOUNT_DELETED_NOTICE = 'account-deleted';
