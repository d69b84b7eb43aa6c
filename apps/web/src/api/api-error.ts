import type { ProblemBody } from './contracts.ts';

/** Codes the client itself produces when there is no problem body to read. */
export const CLIENT_ERROR_CODES = ['NETWORK_ERROR', 'UNEXPECTED_RESPONSE'] as const;

/** A failed API call, carrying the problem's stable `code` that the UI translates. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: ProblemBody | null;

  constructor(status: number, code: string, problem: ProblemBody | null = null) {
    super(problem?.detail ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }

  get retryAfterSeconds(): number | undefined {
    return this.problem?.retryAfterSeconds;
  }
}

function isProblem(value: unknown): value is ProblemBody {
  return typeof value === 'object' && value !== null && typeof (value as ProblemBody).code === 'string' && typeof (value as ProblemBody).status === 'number';
}

/** Reads an error answer: problem+json when the server sent one, else a generic code with the status. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (isProblem(body)) {
        const retryAfter = Number(response.headers.get('retry-after'));
        const problem = body.retryAfterSeconds === undefined && Number.isFinite(retryAfter) && retryAfter > 0 ? { ...body, retryAfterSeconds: retryAfter } : body;
        return new ApiError(response.status, body.code, problem);
      }
    } catch {
      // A body that is not JSON after all: fall through to the generic error.
    }
  }
  return new ApiError(response.status, 'UNEXPECTED_RESPONSE');
}
