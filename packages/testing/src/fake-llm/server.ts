import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Behaviour } from './behaviour.ts';
import { parseJson, readBody, sendError, sendFailure } from './http.ts';
import { completionId, errorBody, groqRequestId } from './protocol.ts';
import { RequestLog, type Tracked } from './request-log.ts';
import { answerCompletion, streamCompletion, type CompletionPlan } from './responder.ts';
import { estimatePromptTokens, resolveReply } from './script.ts';
import { validateChatRequest, type ChatRequest } from './validate.ts';
import type { FakeLlm, FakeLlmFlavor, FakeLlmOptions } from './types.ts';

const DEFAULT_MODELS = { openai: ['gpt-4o-mini', 'gpt-4o'], groq: ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile'] } as const;
// Groq's base URL is https://api.groq.com/openai/v1; both shapes are served whatever the flavour.
const API_PREFIXES = ['/openai/v1', '/v1'];

function modelList(models: readonly string[], flavor: FakeLlmFlavor): string {
  const data = models.map((id) => (flavor === 'groq'
    ? { id, object: 'model', created: 1700000000, owned_by: 'Fake LLM', active: true, context_window: 131072, public_apps: null, max_completion_tokens: 32768 }
    : { id, object: 'model', created: 1700000000, owned_by: 'system' }));
  return JSON.stringify({ object: 'list', data });
}

/** 401 in OpenAI's words unless the server has no key or the request carries it as a Bearer token. */
function authorised(apiKey: string | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (apiKey === undefined) return true;
  const header = req.headers.authorization;
  if (!header || !/^Bearer\s+\S/i.test(header)) {
    sendError(res, 401, errorBody("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error'));
    return false;
  }
  if (header.replace(/^Bearer\s+/i, '') !== apiKey) {
    sendError(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key'));
    return false;
  }
  return true;
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
  const startModels = options.models ?? DEFAULT_MODELS[flavor];
  let models = modelList(startModels, flavor);
  // A raw answer to GET /models (tests of clients that must survive a malformed list).
  let modelsAnswer: { status: number; body: string } | undefined;
  const behaviour = new Behaviour(options.script);
  const log = new RequestLog(options.recordRequests ?? true);

  function chatCompletion(chat: ChatRequest, tracked: Tracked, res: ServerResponse): void {
    const { failure, script } = behaviour.decide(chat.model);
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
      requestId: `req_${tracked.request.seq}`,
    };
    const hooks = {
      onTokens: (count: number) => (tracked.request.tokensSent += count),
      onDrop: tracked.markDropped,
      setTimer: tracked.setTimer,
    };
    if (chat.stream) streamCompletion(plan, res, hooks);
    else answerCompletion(plan, res, hooks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const tracked = log.track(req, res, path);
    const body = req.method === 'POST' ? await readBody(req) : { text: '', tooLarge: false };
    tracked.request.body = parseJson(body.text);
    const prefix = API_PREFIXES.find((candidate) => path.startsWith(`${candidate}/`));
    const route = prefix ? `${req.method} ${path.slice(prefix.length)}` : '';
    if (route !== 'POST /chat/completions' && route !== 'GET /models') {
      sendError(res, 404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error'));
      return;
    }
    if (!authorised(options.apiKey, req, res)) return;
    if (route === 'GET /models') {
      res.writeHead(modelsAnswer?.status ?? 200, { 'content-type': 'application/json' });
      res.end(modelsAnswer?.body ?? models);
      return;
    }
    if (body.tooLarge) {
      sendError(res, 413, errorBody('Request body too large.', 'invalid_request_error'));
      return;
    }
    const checked = validateChatRequest(tracked.request.body, body.text);
    if ('error' in checked) {
      sendError(res, checked.status, checked.error);
      return;
    }
    tracked.request.model = checked.model;
    tracked.request.stream = checked.stream;
    chatCompletion(checked, tracked, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake LLM: request handler failed', error);
      if (!res.headersSent) sendError(res, 500, errorBody('The fake LLM failed; see its log.', 'server_error'));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Benchmarks open a thousand streams at once; Node's default backlog (511) drops connects
    // that arrive while the loop is busy, which reads as a flaky upstream.
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 }, () => {
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
    requests: log.requests,
    get requestCount() {
      return log.total;
    },
    get openResponses() {
      return log.openResponses;
    },
    script: (script) => behaviour.setScript(script),
    scriptModel: (model, modelBehaviour) => behaviour.setModel(model, modelBehaviour),
    failNext: (failure, times = 1) => behaviour.failNext(failure, times),
    waitForRequests: (n, { timeoutMs = 10_000 } = {}) => log.waitFor(n, timeoutMs),
    setModels(list) {
      models = modelList(list, flavor);
      modelsAnswer = undefined;
    },
    answerModels(answer) {
      modelsAnswer = answer === null ? undefined : { status: answer.status ?? 200, body: answer.body };
    },
    reset() {
      log.clear();
      behaviour.reset();
      models = modelList(startModels, flavor);
      modelsAnswer = undefined;
    },
    async close() {
      log.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
