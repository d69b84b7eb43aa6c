import { describe, expect, it } from 'vitest';
import { ProblemError, classifyError, problem, problemType, toProblemBody } from '../src/index.ts';

describe('problem factories', () => {
  it.each([
    ['badRequest', 400, 'Bad Request'], ['unauthorized', 401, 'Unauthorized'], ['forbidden', 403, 'Forbidden'],
    ['notFound', 404, 'Not Found'], ['conflict', 409, 'Conflict'], ['unprocessable', 422, 'Unprocessable Entity'],
    ['tooManyRequests', 429, 'Too Many Requests'], ['serviceUnavailable', 503, 'Service Unavailable'],
  ] as const)('%s → %i', (name, status, title) => {
    const error = problem[name]('SOME_CODE', 'details', { hint: 1 });
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status, code: 'SOME_CODE', title, detail: 'details', extensions: { hint: 1 } });
  });

  it('builds the RFC 9457 body with a kebab-case type and standard members first', () => {
    const error = problem.conflict('AUTH_EMAIL_TAKEN', 'That e-mail is registered.', { status: 200, field: 'email' });
    expect(toProblemBody(error, { instance: '/api/auth/register', requestId: 'r-1' })).toEqual({
      type: 'https://versaai.dev/problems/auth-email-taken',
      title: 'Conflict',
      status: 409,
      code: 'AUTH_EMAIL_TAKEN',
      detail: 'That e-mail is registered.',
      instance: '/api/auth/register',
      requestId: 'r-1',
      field: 'email',
    });
    expect(problemType('NOT_FOUND')).toBe('https://versaai.dev/problems/not-found');
  });

  it('treats only client errors as safe to show', () => {
    expect(classifyError(new Error('secret internals'))).toBeNull();
    expect(classifyError('a string')).toBeNull();
    expect(classifyError(Object.assign(new Error('oops'), { statusCode: 502 }))).toBeNull();
    expect(classifyError(Object.assign(new Error('gone away'), { statusCode: 410 }))).toMatchObject({ status: 410, code: 'GONE' });
  });
});
