/** RFC 9457 problem details as every VersaAI service answers errors. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId?: string;
  retryAfterSeconds?: number;
  reason?: string;
  errors?: { path: string; message: string }[];
}
