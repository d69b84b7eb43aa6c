import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { estimatePromptTokens, startFakeLlm, type FakeLlm, type FakeLlmOptions } from '../src/index.ts';

const KEY = 'sk-fake-llm-test';
const MESSAGES = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'hello world' }];
let llm: FakeLlm | undefined;

async function start(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  llm = await startFakeLlm({ apiKey: KEY, ...options });
  return llm;
}

function client(server: FakeLlm, apiKey = KEY): OpenAI {
  return new OpenAI({ baseURL: server.url, apiKey, maxRetries: 0 });
}

/** Raw POST, as a client that does not use the SDK. */
function post(server: FakeLlm, body: unknown, init: { path?: string; signal?: AbortSignal; key?: string } = {}): Promise<Response> {
  return fetch(`${server.origin}${init.path ?? '/v1/chat/completions'}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.key ?? KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

/** The JSON payloads of an SSE body, with the terminating `[DONE]` kept as a string. */
function sseData(text: string): unknown[] {
  return text.split('\n\n').filter((frame) => frame !== '').map((frame) => {
    expect(frame.startsWith('data: ')).toBe(true);
    const data = frame.slice('data: '.length);
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

describe('fake LLM: OpenAI protocol through the official SDK', () => {
  it('answers a non-streaming completion with the reply derived from the last user message and usage', async () => {
    const server = await start();
    const completion = await client(server).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });

    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'You said: hello world' }, finish_reason: 'stop' }],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(Number.isInteger(completion.created)).toBe(true);
    const promptTokens = estimatePromptTokens(MESSAGES);
    expect(completion.usage).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: 4, total_tokens: promptTokens + 4 });

    const [request] = await server.waitForRequests(1);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', model: 'gpt-4o-mini', stream: false, status: 200 });
    expect(request!.body).toMatchObject({ model: 'gpt-4o-mini', messages: MESSAGES });
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(await request!.settled).toBe('completed');
    expect(request!.aborted).toBe(false);
  });

  it('streams a role chunk, content chunks, a finish chunk and, with include_usage, a usage chunk', async () => {
    const server = await start({ script: { text: 'One two three four' } });
    const stream = await client(server).chat.completions.create({
      model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]!.id)).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    const contents = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
    expect(contents.join('')).toBe('One two three four');
    expect(contents.filter((content) => content !== '')).toEqual(['One', ' two', ' three', ' four']);
    const finish = chunks[chunks.length - 2]!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    const promptTokens = estimatePromptTokens(MESSAGES);
    expect(last.usage).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: 4, total_tokens: promptTokens + 4 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('ends the raw stream with data: [DONE] and sends no usage chunk unless asked', async () => {
    const server = await start({ script: { tokens: ['a', 'b'] } });
    const response = await post(server, { model: 'm', messages: MESSAGES, stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = sseData(await response.text());
    expect(frames).toHaveLength(5);
    expect(frames[4]).toBe('[DONE]');
    expect(frames.slice(0, 4).every((frame) => !('usage' in (frame as object)))).toBe(true);
  });

  it('follows the script: token count, cadence, max_tokens cuts the reply with finish_reason length', async () => {
    const server = await start();
    server.script({ text: 'alpha beta', tokenCount: 5, tokenDelayMs: 2, firstTokenDelayMs: 5 });
    const full = await client(server).chat.completions.create({ model: 'm', messages: MESSAGES });
    expect(full.choices[0]!.message.content).toBe('alpha beta alpha beta alpha');
    expect(full.usage!.completion_tokens).toBe(5);

    const cut = await client(server).chat.completions.create({ model: 'm', messages: MESSAGES, max_tokens: 2, stream: true });
    let text = '';
    let finishReason: string | null = null;
    for await (const chunk of cut) {
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(text).toBe('alpha beta');
    expect(finishReason).toBe('length');
  });

  it('lists models', async () => {
    const server = await start({ models: ['model-a', 'model-b'] });
    const models = [];
    for await (const model of client(server).models.list()) models.push(model);
    expect(models.map((model) => model.id)).toEqual(['model-a', 'model-b']);
    expect(models[0]).toMatchObject({ object: 'model', owned_by: 'system' });
  });

  it('changes the model list, serves a raw one on demand and returns to the start list on reset', async () => {
    const server = await start({ models: ['model-a'] });
    const ids = async () => {
      const listed = [];
      for await (const model of client(server).models.list()) listed.push(model.id);
      return listed;
    };
    server.setModels(['model-b', 'model-c']);
    expect(await ids()).toEqual(['model-b', 'model-c']);
    server.answerModels({ body: '{"data": "not a list"' });
    const raw = await fetch(`${server.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe('{"data": "not a list"');
    server.answerModels({ status: 503, body: '{}' });
    expect((await fetch(`${server.url}/models`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(503);
    server.answerModels(null);
    expect(await ids()).toEqual(['model-b', 'model-c']);
    server.reset();
    expect(await ids()).toEqual(['model-a']);
  });

  it('answers 401 in OpenAI error shape without a key or with a wrong one', async () => {
    const server = await start();
    await expect(client(server, 'sk-wrong').chat.completions.create({ model: 'm', messages: MESSAGES }))
      .rejects.toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: MESSAGES }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { message: expect.stringContaining('API key'), type: 'invalid_request_error', param: null, code: null } });
  });

  it('answers 400 in OpenAI error shape when model or messages are missing', async () => {
    const server = await start();
    const noModel = await post(server, { messages: MESSAGES });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({ error: { message: 'you must provide a model parameter', type: 'invalid_request_error', param: null, code: null } });
    const noMessages = await post(server, { model: 'm' });
    expect(await noMessages.json()).toEqual({
      error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' },
    });
    const emptyMessages = await post(server, { model: 'm', messages: [] });
    expect(emptyMessages.status).toBe(400);
    expect(await emptyMessages.json()).toMatchObject({ error: { param: 'messages', code: 'empty_array' } });
    const notJson = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: '{' });
    expect(notJson.status).toBe(400);
    const unknownPath = await post(server, {}, { path: '/v1/completions/nope' });
    expect(unknownPath.status).toBe(404);
  });
});

describe('fake LLM: Groq flavour', () => {
  it('serves under /openai/v1 and reports streamed usage in x_groq.usage on the finish chunk', async () => {
    const server = await start({ flavor: 'groq', script: { text: 'Hi from Groq' } });
    expect(server.url).toBe(`${server.origin}/openai/v1`);
    const response = await post(server, { model: 'llama-3.1-8b-instant', messages: MESSAGES, stream: true }, { path: '/openai/v1/chat/completions' });
    expect(response.status).toBe(200);
    const frames = sseData(await response.text());
    expect(frames[frames.length - 1]).toBe('[DONE]');
    const chunks = frames.slice(0, -1) as Array<ChatCompletionChunk & { x_groq: { id: string; usage?: Record<string, number> } }>;
    expect(chunks[0]!.x_groq.id).toMatch(/^req_/);
    const finish = chunks[chunks.length - 1]!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const promptTokens = estimatePromptTokens(MESSAGES);
    expect(finish.x_groq.usage).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: 3, total_tokens: promptTokens + 3 });
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('')).toBe('Hi from Groq');
  });
});

describe('fake LLM: scripted failures', () => {
  it('answers 429 with retry-after and the rate-limit error body, then recovers', async () => {
    const server = await start();
    server.failNext({ status: 429, retryAfterSeconds: 7 });
    const limited = await post(server, { model: 'm', messages: MESSAGES });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({
      error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
    const next = await post(server, { model: 'm', messages: MESSAGES });
    expect(next.status).toBe(200);
  });

  it('lets the SDK see a RateLimitError and retry after the header says so', async () => {
    const server = await start();
    server.failNext({ status: 429, retryAfterSeconds: 0 });
    await expect(client(server).chat.completions.create({ model: 'm', messages: MESSAGES })).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    server.failNext({ status: 429, retryAfterSeconds: 0 });
    const retrying = new OpenAI({ baseURL: server.url, apiKey: KEY, maxRetries: 1 });
    const completion = await retrying.chat.completions.create({ model: 'm', messages: MESSAGES });
    expect(completion.choices[0]!.message.content).toBe('You said: hello world');
    expect(server.requests.map((request) => request.status)).toEqual([429, 429, 200]);
  });

  it('serves queued failures in order, `times` repeats one, 500 and 503 in error shape', async () => {
    const server = await start();
    server.failNext({ status: 500 }, 2);
    server.failNext({ status: 503, message: 'busy' });
    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await post(server, { model: 'm', messages: MESSAGES })).status);
    expect(statuses).toEqual([500, 500, 503, 200]);
    expect(server.requests[2]!.status).toBe(503);
    server.failNext({ status: 503, message: 'busy' });
    expect(await (await post(server, { model: 'm', messages: MESSAGES })).json()).toEqual({
      error: { message: 'busy', type: 'server_error', param: null, code: null },
    });
  });

  it('gives one model its own behaviour: always 500, or its own script', async () => {
    const server = await start();
    server.scriptModel('broken-model', { status: 500 });
    server.scriptModel('poet', { text: 'Roses are red' });
    for (let index = 0; index < 2; index += 1) {
      await expect(client(server).chat.completions.create({ model: 'broken-model', messages: MESSAGES })).rejects.toMatchObject({ status: 500 });
    }
    const poem = await client(server).chat.completions.create({ model: 'poet', messages: MESSAGES });
    expect(poem.choices[0]!.message.content).toBe('Roses are red');
    const other = await client(server).chat.completions.create({ model: 'other', messages: MESSAGES });
    expect(other.choices[0]!.message.content).toBe('You said: hello world');
    server.scriptModel('broken-model', null);
    await expect(client(server).chat.completions.create({ model: 'broken-model', messages: MESSAGES })).resolves.toBeDefined();
  });

  it('stalls after N tokens, keeping the connection open, and records the abort when the client gives up', async () => {
    const server = await start({ script: { text: 'one two three four five' } });
    server.failNext({ stallAfterTokens: 2 });
    const controller = new AbortController();
    const stream = await client(server).chat.completions.create({ model: 'm', messages: MESSAGES, stream: true }, { signal: controller.signal });
    const received: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) received.push(content);
      }
    })();
    const [request] = await server.waitForRequests(1);
    await expect.poll(() => received.length).toBe(2);
    // The response is still open: nothing was ended and the server has not written more.
    expect(request!.outcome).toBe('pending');
    expect(request!.tokensSent).toBe(2);
    controller.abort();
    await reading.catch(() => undefined); // the SDK ends a user-aborted stream quietly
    expect(await request!.settled).toBe('aborted');
    expect(request!.aborted).toBe(true);
    expect(received).toEqual(['one', ' two']);
  });

  it('drops the connection after N tokens: the SDK stream fails and the request reads dropped', async () => {
    const server = await start({ script: { text: 'one two three four five' } });
    server.failNext({ dropAfterTokens: 3 });
    const stream = await client(server).chat.completions.create({ model: 'm', messages: MESSAGES, stream: true });
    const received: string[] = [];
    await expect((async () => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) received.push(content);
      }
    })()).rejects.toThrow();
    expect(received).toEqual(['one', ' two', ' three']);
    const [request] = await server.waitForRequests(1);
    expect(await request!.settled).toBe('dropped');
    expect(request!.aborted).toBe(false);
    expect(request!.tokensSent).toBe(3);
  });

  it('records a client abort in the middle of a paced stream', async () => {
    const server = await start({ script: { tokenCount: 200, tokenDelayMs: 10 } });
    const controller = new AbortController();
    const response = await post(server, { model: 'm', messages: MESSAGES, stream: true }, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const [request] = await server.waitForRequests(1);
    expect(await request!.settled).toBe('aborted');
    expect(request!.aborted).toBe(true);
    expect(request!.tokensSent).toBeLessThan(200);
    expect(server.openResponses).toBe(0);
  });
});

describe('fake LLM: non-streaming interruptions and bookkeeping', () => {
  it('a stalled non-streaming request never answers; a dropped one fails the SDK call', async () => {
    const server = await start();
    server.scriptModel('stuck', { stallAfterTokens: 1 });
    const controller = new AbortController();
    const stalled = client(server).chat.completions.create({ model: 'stuck', messages: MESSAGES }, { signal: controller.signal });
    const [first] = await server.waitForRequests(1);
    await expect.poll(() => first!.model).toBe('stuck');
    expect(first!.outcome).toBe('pending');
    controller.abort();
    await expect(stalled).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(await first!.settled).toBe('aborted');

    server.failNext({ dropAfterTokens: 2 });
    await expect(client(server).chat.completions.create({ model: 'm', messages: MESSAGES })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await server.requests[1]!.settled).toBe('dropped');
    expect(server.requests[1]!.status).toBeUndefined();
  });

  it('reset() forgets requests, queued failures and scripts; recordRequests: false only counts', async () => {
    const server = await start({ script: { text: 'start script' } });
    server.failNext({ status: 500 });
    server.scriptModel('m', { text: 'model script' });
    server.script({ text: 'later script' });
    server.reset();
    const completion = await client(server).chat.completions.create({ model: 'm', messages: MESSAGES });
    expect(completion.choices[0]!.message.content).toBe('start script');
    expect(server.requests).toHaveLength(1);
    expect(server.requestCount).toBe(1);
    await server.close();

    const counting = await start({ recordRequests: false });
    await client(counting).chat.completions.create({ model: 'm', messages: MESSAGES });
    expect(counting.requests).toHaveLength(0);
    expect(counting.requestCount).toBe(1);
    await expect(counting.waitForRequests(1)).rejects.toThrow(/not recorded/);
  });

  it('close() ends a stalled stream and records it as closed, not as a client abort', async () => {
    const server = await start();
    server.failNext({ stallAfterTokens: 1 });
    const response = await post(server, { model: 'm', messages: MESSAGES, stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    const [request] = await server.waitForRequests(1);
    expect(server.openResponses).toBe(1);
    await server.close();
    expect(await request!.settled).toBe('closed');
    expect(request!.aborted).toBe(false);
    await expect((async () => {
      for (;;) if ((await reader.read()).done) return;
    })()).rejects.toThrow();
  });

  it('rejects a malformed script or failure when it is set, not when a request uses it', async () => {
    const server = await start();
    expect(() => server.script({ tokenDelayMs: -1 })).toThrow(/tokenDelayMs/);
    expect(() => server.failNext({ status: 200 })).toThrow(/status/);
    expect(() => server.failNext({ dropAfterTokens: 1.5 })).toThrow(/dropAfterTokens/);
    expect(() => server.failNext({ status: 500 }, 0)).toThrow(/times/);
  });
});

describe('fake LLM: load', () => {
  it('serves 1,000 concurrent paced streams to the end', async () => {
    const server = await start({ apiKey: undefined, script: { tokenCount: 20, tokenDelayMs: 5 } });
    const streams = Array.from({ length: 1000 }, async () => {
      const response = await post(server, { model: 'm', messages: MESSAGES, stream: true });
      return (await response.text()).endsWith('data: [DONE]\n\n');
    });
    const finished = await Promise.all(streams);
    expect(finished.every(Boolean)).toBe(true);
    expect(server.requests.every((request) => request.outcome === 'completed' && request.tokensSent === 20)).toBe(true);
  });
});
