import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completionId, defaultError, errorBody, groqRequestId, type OpenAiErrorBody } from './protocol.ts';
import { answerCompletion, streamCompletion, type CompletionPlan } from './responder.ts';
import { checkScript, estimatePromptTokens, resolveReply } from './script.ts';
import { validateChatRequest, type ChatRequest } from './validate.ts';
import type {
  FakeLlm, FakeLlmErrorFailure, FakeLlmFailure, FakeLlmOptions, FakeLlmOutcome, FakeLlmRequest, FakeLlmScript,
} from './types.ts';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_MODELS = { openai: ['gpt-4o-mini', 'gpt-4o'], groq: ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile'] } as const;
// Groq's base URL is https://api.groq.com/openai/v1; both shapes are served whatever the flavour.
const API_PREFIXES = ['/openai/v1', '/v1'];

interface Recorded { request: FakeLlmRequest; settle(outcome: FakeLlmOutcome): void }

function isFailure(value: FakeLlmScript | FakeLlmFailure): value is FakeLlmFailure {
  return 'status' in value || 'stallAfterTokens' in value || 'dropAfterTokens' in value;
}

function checkFailure(failure: FakeLlmFailure): void {
  const [field, value] = 'status' in failure ? ['status', failure.status]
    : 'stallAfterTokens' in failure ? ['stallAfterTokens', failure.stallAfterTokens] : ['dropAfterTokens', failure.dropAfterTokens];
  const valid = field === 'status' ? Number.isInteger(value) && value >= 400 && value <= 599 : Number.isInteger(value) && value >= 0;
  if (!valid) throw new TypeError(`fake LLM failure: ${field} is out of range (got ${value})`);
  if ('retryAfterSeconds' in failure && failure.retryAfterSeconds !== undefined && !(failure.retryAfterSeconds >= 0)) {
    throw new TypeError('fake LLM failure: retryAfterSeconds must be >= 0');
  }
}

function sendError(res: ServerResponse, status: number, body: OpenAiErrorBody, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendFailure(res: ServerResponse, failure: FakeLlmErrorFailure): void {
  const defaults = defaultError(failure.status);
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
  const code = failure.code === undefined ? defaults.code : failure.code;
  sendError(res, failure.status, errorBody(failure.message ?? defaults.message, failure.type ?? defaults.type, null, code), headers);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Starts a fake OpenAI/Groq chat-completions server. See docs/fake-llm.md.
 *
 * ```ts
 * const llm = await startFakeLlm({ apiKey: 'sk-test' });
 * const client = new OpenAI({ baseURL: llm.url, apiKey: 'sk-test' });
 * llm.failNext({ status: 429, retryAfterSeconds: 1 });
 * ```
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const flavor = options.flavor ?? 'openai';
  const models = options.models ?? DEFAULT_MODELS[flavor];
  if (options.script) checkScript(options.script);
  let defaultScript: FakeLlmScript = options.script ?? {};
  const modelBehaviour = new Map<string, FakeLlmScript | FakeLlmFailure>();
  const failures: FakeLlmFailure[] = [];
  const requests: FakeLlmRequest[] = [];
  const waiters = new Set<() => void>();
  const timers = new Map<ServerResponse, NodeJS.Timeout>();
  const dropped = new WeakSet<ServerResponse>();
  let closing = false;
  let seq = 0;

  function record(req: IncomingMessage, path: string): Recorded {
    let settle!: (outcome: FakeLlmOutcome) => void;
    const settled = new Promise<FakeLlmOutcome>((resolve) => (settle = resolve));
    const request: FakeLlmRequest = {
      seq: (seq += 1),
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: undefined,
      receivedAt: new Date(),
      model: undefined,
      stream: false,
      status: undefined,
      tokensSent: 0,
      outcome: 'pending',
      aborted: false,
      finishedAt: undefined,
      settled,
    };
    requests.push(request);
    for (const wake of waiters) wake();
    return { request, settle };
  }

  function watch(res: ServerResponse, { request, settle }: Recorded): void {
    res.on('close', () => {
      const timer = timers.get(res);
      if (timer) clearTimeout(timer);
      timers.delete(res);
      request.status = res.headersSent ? res.statusCode : undefined;
      request.finishedAt = new Date();
      if (res.writableFinished) request.outcome = 'completed';
      else if (dropped.has(res)) request.outcome = 'dropped';
      else if (closing) request.outcome = 'closed';
      else {
        request.outcome = 'aborted';
        request.aborted = true;
      }
      settle(request.outcome);
    });
  }

  /** A model's own failure wins, then the failNext queue; the reply comes from the model's script or the default. */
  function decide(model: string): { failure: FakeLlmFailure | undefined; script: FakeLlmScript } {
    const own = modelBehaviour.get(model);
    if (own && isFailure(own)) return { failure: own, script: defaultScript };
    return { failure: failures.shift(), script: { ...defaultScript, ...own } };
  }

  function chatCompletion(chat: ChatRequest, recorded: Recorded, res: ServerResponse): void {
    const { failure, script } = decide(chat.model);
    if (failure && 'status' in failure) {
      sendFailure(res, failure);
      return;
    }
    const reply = resolveReply(script, chat.messages);
    let finishReason = 'stop';
    if (chat.maxTokens !== undefined && reply.tokens.length > chat.maxTokens) {
      reply.tokens = reply.tokens.slice(0, chat.maxTokens);
      finishReason = 'length';
    }
    const plan: CompletionPlan = {
      meta: { id: completionId(), created: Math.floor(Date.now() / 1000), model: chat.model, flavor, groqId: groqRequestId() },
      reply,
      finishReason,
      promptTokens: estimatePromptTokens(chat.messages),
      stream: chat.stream,
      includeUsage: chat.includeUsage,
      interruption: failure,
      requestId: `req_${recorded.request.seq}`,
    };
    const hooks = {
      onTokens: (count: number) => (recorded.request.tokensSent += count),
      onDrop: () => dropped.add(res),
      setTimer: (timer: NodeJS.Timeout | undefined) => (timer ? timers.set(res, timer) : timers.delete(res)),
    };
    if (chat.stream) streamCompletion(plan, res, hooks);
    else answerCompletion(plan, res, hooks);
  }

  function listModels(res: ServerResponse): void {
    const data = models.map((id) => (flavor === 'groq'
      ? { id, object: 'model', created: 1700000000, owned_by: 'Fake LLM', active: true, context_window: 131072, public_apps: null, max_completion_tokens: 32768 }
      : { id, object: 'model', created: 1700000000, owned_by: 'system' }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data }));
  }

  function authorised(req: IncomingMessage, res: ServerResponse): boolean {
    if (options.apiKey === undefined) return true;
    const header = req.headers.authorization;
    if (!header || !/^Bearer\s+\S/i.test(header)) {
      sendError(res, 401, errorBody("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error'));
      return false;
    }
    if (header.replace(/^Bearer\s+/i, '') !== options.apiKey) {
      sendError(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key'));
      return false;
    }
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded = record(req, path);
    watch(res, recorded);
    const rawBody = req.method === 'POST' ? await readBody(req) : undefined;
    recorded.request.body = parseJson(rawBody);
    const prefix = API_PREFIXES.find((candidate) => path.startsWith(`${candidate}/`));
    const route = prefix ? `${req.method} ${path.slice(prefix.length)}` : '';
    if (route !== 'POST /chat/completions' && route !== 'GET /models') {
      sendError(res, 404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error'));
      return;
    }
    if (!authorised(req, res)) return;
    if (route === 'GET /models') {
      listModels(res);
      return;
    }
    const checked = validateChatRequest(recorded.request.body, rawBody);
    if ('error' in checked) {
      sendError(res, checked.status, checked.error);
      return;
    }
    recorded.request.model = checked.model;
    recorded.request.stream = checked.stream;
    chatCompletion(checked, recorded, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake LLM: request handler failed', error);
      if (!res.headersSent) sendError(res, 500, errorBody('The fake LLM failed; see its log.', 'server_error'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;

  return {
    url: `${origin}${flavor === 'groq' ? '/openai/v1' : '/v1'}`,
    origin,
    port: address.port,
    flavor,
    requests,
    get openResponses() {
      return requests.reduce((open, request) => open + (request.outcome === 'pending' ? 1 : 0), 0);
    },
    script(script) {
      checkScript(script);
      defaultScript = script;
    },
    scriptModel(model, behaviour) {
      if (behaviour === null) modelBehaviour.delete(model);
      else {
        if (isFailure(behaviour)) checkFailure(behaviour);
        else checkScript(behaviour);
        modelBehaviour.set(model, behaviour);
      }
    },
    failNext(failure, times = 1) {
      checkFailure(failure);
      if (!Number.isInteger(times) || times < 1) throw new TypeError(`fake LLM failNext: times must be a positive integer (got ${times})`);
      for (let count = 0; count < times; count += 1) failures.push(failure);
    },
    waitForRequests(n, { timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length < n) return;
          cleanup();
          resolve(requests.slice(0, n));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake LLM: ${requests.length} of ${n} requests arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
      modelBehaviour.clear();
      defaultScript = options.script ?? {};
    },
    async close() {
      closing = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
