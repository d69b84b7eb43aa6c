import { STATUS_CODES } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://versaai.dev/problems/';

export interface ProblemInit {
  status: number;
  /** Stable, SCREAMING_SNAKE code the web app translates, e.g. AUTH_INVALID_CREDENTIALS. */
  code: string;
  title?: string;
  detail?: string;
  /** Extra members of the problem body (RFC 9457 extensions), e.g. `errors` or `retryAfterSeconds`. */
  extensions?: Record<string, unknown>;
  /** Response headers that belong to the problem, e.g. Retry-After. */
  headers?: Record<string, string>;
}

/** An error meant for the client: rendered as application/problem+json by the HTTP error handler. */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title ?? init.code);
    this.name = 'ProblemError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? STATUS_CODES[init.status] ?? 'Error';
    this.detail = init.detail;
    this.extensions = init.extensions;
    this.headers = init.headers;
  }
}

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance: string;
  requestId: string;
  [extension: string]: unknown;
}

/** The RFC 9457 body; standard members win over extensions of the same name. */
export function toProblemBody(error: ProblemError, where: { instance: string; requestId: string }): ProblemBody {
  const body: ProblemBody = {
    ...error.extensions,
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    code: error.code,
    instance: where.instance,
    requestId: where.requestId,
  };
  if (error.detail !== undefined) body.detail = error.detail;
  return body;
}

type ProblemFactory = (code: string, detail?: string, extensions?: Record<string, unknown>) => ProblemError;

function factory(status: number): ProblemFactory {
  return (code, detail, extensions) => new ProblemError({ status, code, detail, extensions });
}

export const problem = {
  create: (status: number, code: string, detail?: string, extensions?: Record<string, unknown>) =>
    new ProblemError({ status, code, detail, extensions }),
  badRequest: factory(400),
  unauthorized: factory(401),
  forbidden: factory(403),
  notFound: factory(404),
  conflict: factory(409),
  unprocessable: factory(422),
  tooManyRequests: factory(429),
  serviceUnavailable: factory(503),
};
