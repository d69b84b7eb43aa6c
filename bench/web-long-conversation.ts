/**
 * Issue 5's web benchmark: a conversation of 1,000 messages (500 exchanges with Markdown
 * answers, some with code blocks, seeded through the API against the fake LLM) opened cold in
 * headless Chromium N times; the main thread's scripting time until the visible messages are
 * in the DOM (CDP Performance.getMetrics deltas), the time from navigation start by the page's
 * own clock, and how many message elements the DOM holds (virtualisation). Peer, in the same
 * run: the same 1,000 messages built by a bare page (plain DOM, no framework, no
 * virtualisation). Target: < 300 ms scripting.
 * Run with `npm run bench:web-long-conversation` after `npm run build:web` (options: --opens 10
 * --exchanges 500 --no-write).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { startFakeLlm } from '@versaai/testing/fake-llm';
import { login, registerUser } from './lib/api-client.ts';
import { round } from './lib/stats.ts';
import { installInterruptHandler, onInterrupt } from './lib/teardown.ts';
import { startAllInOne } from './lib/topologies.ts';
import { measureOpen, type OpenSample } from './lib/web-measure.ts';
import { peerHtml, startPeerServer } from './lib/web-peer-page.ts';
import { renderWebReport } from './lib/web-report.ts';
import { readConversation, seedConversation } from './lib/web-seed.ts';
import { describeWebEnv, webPlatformEnv } from './lib/web-env.ts';
import { loadAllMessages } from './lib/web-scroll.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 800 };
const DIST_INDEX = new URL('../apps/web/dist/index.html', import.meta.url);

const { values: args } = parseArgs({
  options: {
    opens: { type: 'string', default: '10' },
    exchanges: { type: 'string', default: '500' },
    'no-write': { type: 'boolean', default: false },
  },
});
const opens = Number(args.opens);
const exchanges = Number(args.exchanges);
if (!Number.isInteger(opens) || opens < 1 || !Number.isInteger(exchanges) || exchanges < 1) throw new Error('--opens and --exchanges must be positive integers');
if (!existsSync(DIST_INDEX)) throw new Error('apps/web/dist is not built: run `npm run build:web` first');
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);

installInterruptHandler();
const loadAtStart = loadavg();
const startedAt = new Date();
const log = (line: string) => console.log(line);

const llm = await startFakeLlm({ apiKey: 'sk-bench-web', recordRequests: false });
const forgetLlm = onInterrupt(() => llm.close());
const env = webPlatformEnv(llm.url, 'sk-bench-web');
const platform = await startAllInOne({ env });
let browser: Browser | undefined;
try {
  const user = await registerUser(platform.url, `bench-web-${Date.now()}@example.com`);
  const token = await login(platform.url, user);
  log(`seeding ${exchanges} exchanges (${exchanges * 2} messages) through the API…`);
  const { conversationId, seconds: seedSeconds } = await seedConversation({ url: platform.url, token, llm, exchanges, log });
  const stored = await readConversation(platform.url, token, conversationId);
  if (stored.length !== exchanges * 2) throw new Error(`the conversation holds ${stored.length} messages, not ${exchanges * 2}`);
  const lastId = stored.at(-1)!.id;
  log(`seeded in ${seedSeconds.toFixed(1)} s; opening it ${opens} times`);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const app: OpenSample[] = [];
  const requestedPages: string[] = [];
  for (let index = 0; index < opens; index++) {
    // A fresh context each time: empty HTTP cache and a fresh session (its own refresh cookie).
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
    const signedIn = await context.request.post(`${platform.url}/api/auth/login`, { data: { email: user.email, password: user.password } });
    if (!signedIn.ok()) throw new Error(`browser sign-in answered ${signedIn.status()}`);
    if (index === 0) context.on('request', (request) => { if (request.url().includes(`/conversations/${conversationId}`)) requestedPages.push(new URL(request.url()).search || '(no query)'); });
    app.push(await measureOpen(context, {
      blankUrl: `${platform.url}/favicon.svg`,
      target: `${platform.url}/chat/${conversationId}`,
      readySelector: `article[data-message-id="${lastId}"] .message-text`,
      messageSelector: 'article[data-message-id]',
    }));
    await context.close();
    log(`  app open ${index + 1}: scripting ${round(app.at(-1)!.scriptMs, 1)} ms, visible at ${round(app.at(-1)!.visibleMs, 1)} ms, ${app.at(-1)!.domMessages} message elements`);
  }

  // Scrolling up until the first message is shown loads every page: the DOM must stay small.
  const scrollContext = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  await scrollContext.request.post(`${platform.url}/api/auth/login`, { data: { email: user.email, password: user.password } });
  const scrolled = await loadAllMessages(scrollContext, `${platform.url}/chat/${conversationId}`, stored[0]!.id, lastId);
  await scrollContext.close();
  log(`  scrolled to the first message: ${scrolled.domMessages} message elements in the DOM with ${scrolled.loadedPages} pages loaded`);

  const peerServer = await startPeerServer(peerHtml(stored));
  const peer: OpenSample[] = [];
  try {
    for (let index = 0; index < opens; index++) {
      const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
      peer.push(await measureOpen(context, {
        blankUrl: `${peerServer.url}/blank`,
        target: `${peerServer.url}/`,
        readySelector: `article[data-message-id="${lastId}"] .message-text`,
        messageSelector: 'article[data-message-id]',
      }));
      await context.close();
      log(`  peer open ${index + 1}: scripting ${round(peer.at(-1)!.scriptMs, 1)} ms, visible at ${round(peer.at(-1)!.visibleMs, 1)} ms, ${peer.at(-1)!.domMessages} message elements`);
    }
  } finally {
    await peerServer.close();
  }

  const report = renderWebReport({
    command: `npm run bench:web-long-conversation${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt, loadAtStart, loadAtEnd: loadavg(), chromium: browser.version(), exchanges, opens, seedSeconds,
    app, peer, requestedPages, scrolled, env: describeWebEnv(env),
  });
  console.log(`\n${report}`);
  if (!args['no-write']) {
    const file = new URL(`./results/web-long-conversation-${startedAt.toISOString().slice(0, 10)}.md`, import.meta.url);
    writeFileSync(file, report);
    log(`wrote ${file.pathname}`);
  }
} finally {
  await browser?.close();
  await platform.stop();
  await llm.close();
  forgetLlm();
}
