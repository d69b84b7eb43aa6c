import { ProblemError } from '@versaai/kernel';

// Another user's conversation, message or response answers exactly like one that does not
// exist (404, never 403), so ids cannot be probed.

export function conversationNotFound(): ProblemError {
  return new ProblemError({ status: 404, code: 'CHAT_CONVERSATION_NOT_FOUND', detail: 'No such conversation.' });
}

export function messageNotFound(): ProblemError {
  return new ProblemError({ status: 404, code: 'CHAT_MESSAGE_NOT_FOUND', detail: 'No such message in this conversation.' });
}

export function responseNotFound(): ProblemError {
  return new ProblemError({ status: 404, code: 'CHAT_RESPONSE_NOT_FOUND', detail: 'No such answer in this conversation.' });
}

export function messageNotEditable(): ProblemError {
  return new ProblemError({ status: 409, code: 'CHAT_MESSAGE_NOT_EDITABLE', detail: 'Only your own messages can be edited; regenerate an answer instead.' });
}

export function invalidParent(): ProblemError {
  return new ProblemError({ status: 409, code: 'CHAT_INVALID_PARENT', detail: 'A message follows an answer (or starts the conversation), not another message of yours.' });
}

export function responseInProgress(): ProblemError {
  return new ProblemError({ status: 409, code: 'CHAT_RESPONSE_IN_PROGRESS', detail: 'This answer is still being generated; cancel it first.' });
}

export interface FieldError { path: string; message: string }

/** The same problem the kernel renders for schema errors, for the checks a schema cannot express. */
export function validationFailed(errors: FieldError[]): ProblemError {
  return new ProblemError({ status: 400, code: 'VALIDATION_FAILED', detail: 'The request is invalid.', extensions: { errors } });
}
