import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeReport } from './axe.ts';
import { collectErrors, hasChromium, launchChromium, PHONE, requireBuiltApp, signIn, waitForPath } from './browser.ts';
import { promoteToAdmin, registerAccount, startAllInOne, type Account, type RunningPlatform } from './platform.ts';
import { DOCS_VIEWPORT, saveScreenshot } from './screenshots.ts';
import { MARKDOWN_ANSWER, SLOW_ANSWER, XSS_ANSWER, XSS_QUESTION } from './scripted-answers.ts';

/**
 * Issue 5's journey, one step per test on one browser page (they run in order and share it):
 * sign up → chat with a streamed answer → stop → regenerate → branch switch → search finds it
 * → language switch → reload keeps the session → admin page denied to a user and shown to an
 * admin → an XSS payload in a message and in a model answer is shown as text; axe on every
 * page visited, once more on a phone-sized viewport; screenshots into test-artifacts/web/.
 */
describe.runIf(hasChromium).sequential('the VersaAI journey in Chromium (all-in-one platform, fake LLM)', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let user: Account;
  let conversationUrl = '';

  const llm = () => {
    if (!platform.llm) throw new Error('the journey runs against the fake LLM');
    return platform.llm;
  };
  const composer = () => page.getByLabel('Message', { exact: true });
  const messages = () => page.getByRole('main').getByRole('article');
  /** An answer that finished: it holds `text` and is no longer busy. */
  const finishedAnswer = (text: string) => messages().filter({ hasText: text }).and(page.locator('[aria-busy="false"]'));

  async function send(text: string): Promise<void> {
    await composer().fill(text);
    await composer().press('Enter');
  }

  async function expectNoAxeViolations(where: string): Promise<void> {
    expect(await axeReport(page, where)).toBe('');
  }

  beforeAll(async () => {
    requireBuiltApp();
    platform = await startAllInOne({ model: 'fake' });
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-US', viewport: DOCS_VIEWPORT, colorScheme: 'light' });
    page = await context.newPage();
    errors = collectErrors(page, { allowStatuses: [403] });
  }, 120_000);

  // What the page showed when a step failed, beside the other screenshots.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await saveScreenshot(page, `failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows the sign-in and sign-up pages without accessibility violations', async () => {
    await page.goto(`${platform.url}/`);
    await waitForPath(page, '/sign-in');
    await page.getByRole('heading', { name: 'Sign in to VersaAI' }).waitFor();
    await expectNoAxeViolations('sign-in');
    await saveScreenshot(page, 'sign-in', { docs: true });

    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create your VersaAI account' }).waitFor();
    await expectNoAxeViolations('sign-up');
    await saveScreenshot(page, 'sign-up');
  });

  it('signs up and lands in the chat', async () => {
    user = { email: `journey-${Date.now()}@example.com`, password: 'correct horse battery staple' };
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await waitForPath(page, '/chat');
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    await expectNoAxeViolations('chat (empty)');
  });

  it('streams a model answer in', async () => {
    // Slow enough that the answer is seen growing before it ends.
    llm().script({ text: MARKDOWN_ANSWER, tokenDelayMs: 15 });
    await send('Show me a TypeScript function that greets someone');
    await waitForPath(page, /^\/chat\/[0-9a-f-]{36}$/);
    conversationUrl = page.url();
    // Part of the answer is on screen while the stream still runs.
    await messages().filter({ hasText: 'Greeting' }).and(page.locator('[aria-busy="true"]')).waitFor({ timeout: 30_000 });
    await finishedAnswer('function greet').waitFor({ timeout: 30_000 });
    await expect(messages().count()).resolves.toBe(2);
  });

  it('renames the conversation and pins it from the sidebar; both kept after a reload', async () => {
    const sidebar = page.getByRole('navigation', { name: 'Conversations' });
    // The title generated after the first exchange arrives first (the fake LLM's answer names it).
    await sidebar.getByRole('link', { name: /Greeting/ }).waitFor({ timeout: 30_000 });
    await sidebar.getByRole('button', { name: /^Actions for / }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    const input = sidebar.getByRole('textbox', { name: /^New title for / });
    await input.fill('Greeting in TypeScript');
    await input.press('Enter');
    await sidebar.getByRole('link', { name: 'Greeting in TypeScript' }).waitFor();
    await sidebar.getByRole('button', { name: 'Actions for Greeting in TypeScript' }).click();
    await page.getByRole('menuitem', { name: 'Pin' }).click();
    const pinned = sidebar.getByRole('region', { name: 'Pinned' });
    await pinned.getByRole('link', { name: 'Greeting in TypeScript' }).waitFor();
    await page.reload();
    await pinned.getByRole('link', { name: 'Greeting in TypeScript' }).waitFor();
    await finishedAnswer('function greet').waitFor();
  });

  it('renders the answer as Markdown: heading, code block with a copy button, list, safe link', async () => {
    const answer = finishedAnswer('function greet');
    await answer.getByRole('heading', { name: 'Greeting' }).waitFor();
    await expect(answer.locator('pre code').textContent()).resolves.toContain('function greet(name: string): string {');
    await answer.getByRole('button', { name: 'Copy code' }).waitFor();
    await expect(answer.locator('strong').textContent()).resolves.toBe('small');
    await expect(answer.getByRole('listitem').count()).resolves.toBe(2);
    await expect(answer.getByRole('link', { name: 'the handbook' }).getAttribute('href')).resolves.toBe('https://www.typescriptlang.org/docs/');
    await expectNoAxeViolations('chat (a Markdown answer)');
    await saveScreenshot(page, 'chat', { docs: true });
    // The theme follows the device until the person picks one in the settings.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations('chat (a Markdown answer, dark)');
    await saveScreenshot(page, 'chat-dark', { docs: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('stops an answer while it streams; the provider sees the request end', async () => {
    llm().script(SLOW_ANSWER);
    await send('Tell me a long story');
    const stop = page.getByRole('button', { name: 'Stop the answer (Esc)' });
    await stop.waitFor();
    // Stop once the answer has visibly started, so the partial text is kept.
    await messages().filter({ hasText: 'This answer takes its time' }).and(page.locator('[aria-busy="true"]')).waitFor({ timeout: 30_000 });
    await stop.click();
    const stopped = messages().filter({ hasText: 'The answer was stopped.' });
    await stopped.waitFor({ timeout: 30_000 });
    await expect(stopped.getAttribute('aria-busy')).resolves.toBe('false');
    await expect(stopped.textContent()).resolves.toContain('This answer takes its time');
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const upstream = llm().requests.find((request) => JSON.stringify(request.body).includes('Tell me a long story'));
    expect(upstream).toBeDefined();
    await expect(upstream!.settled).resolves.toBe('aborted');
    expect(upstream!.tokensSent).toBeLessThan(SLOW_ANSWER.tokenCount);
  });

  it('regenerates the stopped answer and switches between the two versions', async () => {
    llm().script({ text: 'A second, complete version of the story.', tokenDelayMs: 5 });
    await messages().last().getByRole('button', { name: 'Regenerate this answer' }).click();
    const second = finishedAnswer('A second, complete version of the story.');
    await second.waitFor({ timeout: 30_000 });
    const versions = second.getByRole('group', { name: 'Versions of this message' });
    await expect(versions.textContent()).resolves.toContain('2/2');
    await versions.getByText('Version 2 of 2').waitFor({ state: 'attached' });

    await versions.getByRole('button', { name: 'Previous version' }).click();
    const first = messages().filter({ hasText: 'The answer was stopped.' });
    await first.waitFor();
    await first.getByRole('group', { name: 'Versions of this message' }).getByText('Version 1 of 2').waitFor({ state: 'attached' });
    await expect(messages().filter({ hasText: 'A second, complete version' }).count()).resolves.toBe(0);

    await first.getByRole('button', { name: 'Next version' }).click();
    await finishedAnswer('A second, complete version of the story.').waitFor();
    // The choice is the conversation's active branch: a reload shows the same version.
    await page.reload();
    await finishedAnswer('A second, complete version of the story.').waitFor();
    await expectNoAxeViolations('chat (versions, a stopped answer)');
    await saveScreenshot(page, 'chat-versions');
  });

  it('finds the conversation through search (Ctrl+K), the match marked, and opens it', async () => {
    await page.goto(`${platform.url}/chat`);
    await page.getByRole('heading', { name: 'How can I help?' }).waitFor();
    await page.keyboard.press('Control+k');
    const field = page.getByRole('combobox', { name: 'Search conversations' });
    await expect(field.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await field.fill('handbook');
    const hit = page.getByRole('listbox', { name: 'Search results' }).getByRole('option').filter({ hasText: 'handbook' }).first();
    await hit.waitFor({ timeout: 30_000 });
    await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['handbook']);
    await expectNoAxeViolations('chat (search results)');
    await saveScreenshot(page, 'search', { docs: true });
    await hit.click();
    await waitForPath(page, new URL(conversationUrl).pathname);
  });

  it('shows a failed answer with Retry; Retry answers once the provider is back', async () => {
    // Every request for the model fails: the AI service's retries end in a failed answer.
    llm().scriptModel('gpt-4o-mini', { status: 500 });
    await send('This question meets a broken provider');
    const failed = messages().last();
    const retry = failed.getByRole('button', { name: 'Retry this answer' });
    await retry.waitFor({ timeout: 60_000 });
    await expect(failed.getAttribute('data-status')).resolves.toBe('failed');
    await expectNoAxeViolations('chat (a failed answer)');
    llm().scriptModel('gpt-4o-mini', null);
    llm().script({ text: 'The provider is back: here is the answer.' });
    await retry.click();
    await finishedAnswer('The provider is back: here is the answer.').waitFor({ timeout: 30_000 });
  });

  it('edits a question: a new version with its own answer, the old one still reachable', async () => {
    llm().script({ text: 'An answer to the edited question.' });
    const question = messages().filter({ hasText: 'This question meets a broken provider' });
    await question.getByRole('button', { name: 'Edit this message' }).click();
    const editor = page.getByLabel('Edited message');
    await editor.fill('This question was edited');
    await page.getByRole('button', { name: 'Send edit' }).click();
    await finishedAnswer('An answer to the edited question.').waitFor({ timeout: 30_000 });
    const edited = messages().filter({ hasText: 'This question was edited' });
    await edited.getByRole('group', { name: 'Versions of this message' }).getByText('Version 2 of 2').waitFor({ state: 'attached' });
    await edited.getByRole('button', { name: 'Previous version' }).click();
    await finishedAnswer('The provider is back: here is the answer.').waitFor();
    await messages().filter({ hasText: 'This question meets a broken provider' }).waitFor();
    await messages().filter({ hasText: 'This question meets a broken provider' }).getByRole('button', { name: 'Next version' }).click();
    await finishedAnswer('An answer to the edited question.').waitFor();
  });

  it('answers with the model picked in the composer, and says which model and how many tokens', async () => {
    llm().scriptModel('gpt-4o', { text: 'The bigger model answers this one.' });
    await page.getByLabel('Model', { exact: true }).selectOption('gpt-4o');
    await send('Which model answers now?');
    const answer = finishedAnswer('The bigger model answers this one.');
    await answer.waitFor({ timeout: 30_000 });
    await answer.getByText('Answered by gpt-4o via openai').waitFor();
    await answer.getByText(/\d+ prompt \+ 6 completion tokens/).waitFor();
    const upstream = llm().requests.find((request) => JSON.stringify(request.body).includes('Which model answers now?'));
    expect(upstream?.model).toBe('gpt-4o');
    llm().scriptModel('gpt-4o', null);
    await page.getByLabel('Model', { exact: true }).selectOption('gpt-4o-mini');
  });

  it('shows a message sent from another device in the open conversation, with its answer streaming in', async () => {
    const phone = await browser.newContext({ locale: 'en-US', ...PHONE });
    try {
      const phonePage = await phone.newPage();
      await signIn(phonePage, platform.url, user);
      await phonePage.goto(page.url());
      llm().script({ text: 'An answer the laptop sees too.', tokenDelayMs: 15 });
      await phonePage.getByLabel('Message', { exact: true }).fill('Sent from the phone');
      await phonePage.getByLabel('Message', { exact: true }).press('Enter');
      await messages().filter({ hasText: 'Sent from the phone' }).waitFor({ timeout: 30_000 });
      await finishedAnswer('An answer the laptop sees too.').waitFor({ timeout: 30_000 });
    } finally {
      await phone.close();
    }
  });

  it('shows a question and a model answer carrying XSS payloads as text', async () => {
    llm().script({ text: XSS_ANSWER });
    await send(XSS_QUESTION);
    await finishedAnswer('XSS answer').waitFor({ timeout: 30_000 });
    const question = messages().filter({ hasText: 'XSS question' });
    await expect(question.textContent()).resolves.toContain('<img src=x onerror="window.__xss=1">');
    const answer = finishedAnswer('XSS answer');
    await expect(answer.textContent()).resolves.toContain('<img src=x onerror="window.__xss=1">');
    await expect(answer.textContent()).resolves.toContain('<script>window.__xss=1</script>');
    await expect(answer.locator('pre code').textContent()).resolves.toContain('<script>window.__xss=1</script>');
    // Nothing was made of the payloads: no image, no element with an event handler, no javascript: link, nothing ran.
    const made = await page.evaluate(() => {
      const list = document.querySelector('main');
      const all = [...(list?.querySelectorAll('*') ?? [])];
      return {
        images: list?.querySelectorAll('img').length ?? -1,
        handlers: all.filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).length,
        scripts: list?.querySelectorAll('script').length ?? -1,
        javascriptLinks: [...(list?.querySelectorAll('a') ?? [])].filter((link) => /^\s*javascript:/i.test(link.getAttribute('href') ?? '')).length,
        ran: (window as unknown as { __xss?: unknown }).__xss !== undefined,
      };
    });
    expect(made).toEqual({ images: 0, handlers: 0, scripts: 0, javascriptLinks: 0, ran: false });
  });

  it('switches the language to Spanish and back', async () => {
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
  });

  it('keeps the session and the conversation across a reload', async () => {
    // The page is on the conversation since the search step, its session refreshed long ago.
    const path = new URL(conversationUrl).pathname;
    expect(new URL(page.url()).pathname).toBe(path);
    await page.reload();
    await waitForPath(page, path);
    // The list is virtualised: the newest messages are the ones in view (and in the DOM).
    await finishedAnswer('XSS answer').waitFor();
    await messages().filter({ hasText: 'XSS question' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('deletes a conversation with an undo, then for good', async () => {
    await page.goto(`${platform.url}/chat`);
    llm().script({ text: 'Soon gone.' });
    await send('A conversation to delete');
    await finishedAnswer('Soon gone.').waitFor({ timeout: 30_000 });
    const sidebar = page.getByRole('navigation', { name: 'Conversations' });
    // Named by the generated title (the fake LLM's answer).
    const link = sidebar.getByRole('link', { name: 'Soon gone' });
    await link.waitFor({ timeout: 30_000 });
    const remove = async () => {
      await sidebar.getByRole('button', { name: 'Actions for Soon gone' }).click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      await page.getByRole('status').filter({ hasText: 'Conversation deleted' }).waitFor();
      await expect(link.count()).resolves.toBe(0);
    };
    await remove();
    await page.getByRole('button', { name: 'Undo' }).click();
    await link.waitFor();
    await remove();
    // Once the undo window has passed, the deletion reaches the server: gone after a reload too.
    await page.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 15_000 });
    await page.goto(`${platform.url}/chat`);
    await sidebar.getByRole('link', { name: 'Greeting in TypeScript' }).waitFor();
    await expect(link.count()).resolves.toBe(0);
  });

  it('shows the settings page without accessibility violations', async () => {
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Settings' }).click();
    await waitForPath(page, /^\/settings/);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await expectNoAxeViolations('settings');
    await saveScreenshot(page, 'settings', { docs: true });
  });

  it('switches to the dark theme in the preferences, kept after a reload', async () => {
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Preferences' }).click();
    await page.getByRole('heading', { name: 'Preferences' }).waitFor();
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    await page.getByRole('group', { name: 'Theme' }).getByLabel('Dark').check();
    await page.getByText('Preferences saved.').waitFor();
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    expect(await background()).not.toBe(light);
    await expectNoAxeViolations('settings: preferences (dark)');
    await saveScreenshot(page, 'settings-dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Preferences' }).waitFor();
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    // Dark chosen on a light device: highlighted code must follow the choice, not the device.
    await page.goto(conversationUrl);
    await page.locator('.md-code').first().waitFor();
    await expectNoAxeViolations('chat with code (dark theme chosen on a light device)');
    await page.goBack();
    await page.getByRole('heading', { name: 'Preferences' }).waitFor();
    await page.getByRole('group', { name: 'Theme' }).getByLabel('Same as the device').check();
    await page.getByText('Preferences saved.').waitFor();
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('system');
  });

  it('tells a user the admin page is for administrators only, and fetches nothing', async () => {
    const adminCalls: string[] = [];
    const watch = (request: { url(): string }) => { if (request.url().includes('/api/') && request.url().includes('admin')) adminCalls.push(request.url()); };
    page.on('request', watch);
    await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);
    await page.goto(`${platform.url}/admin`);
    const denial = page.getByRole('alert').filter({ hasText: 'Administrators only' });
    await denial.waitFor();
    await expect(page.getByRole('navigation', { name: 'Administration sections' }).count()).resolves.toBe(0);
    await expectNoAxeViolations('admin (as a user)');
    await saveScreenshot(page, 'admin-denied');
    await denial.getByRole('link', { name: 'Back to the chat' }).click();
    await waitForPath(page, '/chat');
    page.off('request', watch);
    expect(adminCalls).toEqual([]);
  });

  it('shows the admin page to an admin', async () => {
    const admin = await registerAccount(platform, 'admin');
    await promoteToAdmin(platform, admin);
    const adminContext = await browser.newContext({ locale: 'en-US', viewport: DOCS_VIEWPORT, colorScheme: 'light' });
    const adminPage = await adminContext.newPage();
    const adminErrors = collectErrors(adminPage);
    await signIn(adminPage, platform.url, admin);
    await adminPage.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Administration' }).click();
    await waitForPath(adminPage, /^\/admin/);
    await adminPage.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    const sections = adminPage.getByRole('navigation', { name: 'Administration sections' });
    await sections.getByRole('link', { name: 'Users' }).click();
    await adminPage.getByRole('heading', { name: 'Users', level: 2 }).waitFor();
    await adminPage.getByRole('main').getByText(admin.email).first().waitFor();
    expect(await axeReport(adminPage, 'admin: users')).toBe('');
    await sections.getByRole('link', { name: 'Models' }).click();
    await adminPage.getByRole('heading', { name: 'Models', level: 2 }).waitFor();
    await adminPage.getByRole('main').getByText('gpt-4o-mini').first().waitFor();
    expect(await axeReport(adminPage, 'admin: models')).toBe('');
    await sections.getByRole('link', { name: 'System' }).click();
    await adminPage.getByRole('heading', { name: 'System', level: 2 }).waitFor();
    await adminPage.getByRole('heading', { name: 'Services', level: 3 }).waitFor();
    await adminPage.getByText('All-in-one: every service in one process.').waitFor();
    expect(await axeReport(adminPage, 'admin: system')).toBe('');
    await saveScreenshot(adminPage, 'admin-system', { docs: true });
    expect(adminErrors).toEqual([]);
    await adminContext.close();
  });

  it('passes axe on a phone-sized viewport (375x812): sign-in, sign-up, chat, settings, admin', async () => {
    const phone = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const phonePage = await phone.newPage();
    const phoneErrors = collectErrors(phonePage, { allowStatuses: [403] });
    await phonePage.goto(`${platform.url}/sign-in`);
    await phonePage.getByRole('heading', { name: 'Sign in to VersaAI' }).waitFor();
    expect(await axeReport(phonePage, 'phone: sign-in')).toBe('');
    await saveScreenshot(phonePage, 'phone-sign-in');
    await phonePage.goto(`${platform.url}/sign-up`);
    await phonePage.getByRole('heading', { name: 'Create your VersaAI account' }).waitFor();
    expect(await axeReport(phonePage, 'phone: sign-up')).toBe('');
    await signIn(phonePage, platform.url, user);
    await phonePage.goto(conversationUrl);
    await phonePage.getByRole('main').getByRole('article').filter({ hasText: 'XSS answer' }).waitFor();
    expect(await axeReport(phonePage, 'phone: chat')).toBe('');
    await saveScreenshot(phonePage, 'phone-chat');
    await phonePage.goto(`${platform.url}/settings`);
    await phonePage.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await axeReport(phonePage, 'phone: settings')).toBe('');
    await phonePage.goto(`${platform.url}/admin`);
    await phonePage.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    expect(await axeReport(phonePage, 'phone: admin (as a user)')).toBe('');
    expect(phoneErrors).toEqual([]);
    await phone.close();
  });

  it('logged no page or console errors on the way', () => {
    expect(errors).toEqual([]);
  });
});
