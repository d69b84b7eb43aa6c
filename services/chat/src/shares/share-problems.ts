import { ProblemError } from '@versaai/kernel';

/** Unknown, revoked and another user's shares answer alike, so share ids cannot be probed. */
export function shareNotFound(): ProblemError {
  return new ProblemError({ status: 404, code: 'CHAT_SHARE_NOT_FOUND', detail: 'No such share link (it may have been revoked).' });
}
