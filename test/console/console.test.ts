import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_TOKEN, execSql, startTestService } from '../service/support/service-under-test.js';
import { BROWSER_TESTS, ensureConsoleBuilt, launchBrowser } from './support/browser.js';
import { startConsoleService, type ConsoleService } from './support/console-service.js';
import {
  apiCaller,
  PRIVATE_WORD,
  seedConversations,
  seedUsers,
  type Caller,
} from './support/seed-console.js';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real
 * service on the real PostgreSQL: one browser for the file, one page reused by the steps of a
 * person's visit, which run in order.
 */
let browser: Browser;

beforeAll(async () => {
  if (!BROWSER_TESTS) return;
  ensureConsoleBuilt();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** Today in UTC, and the day after (the pages run in UTC: see newContext). */
const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

async function signIn(page: Page, url: string, token: string) {
  await page.goto(`${url}/console/`);
  await page.getByLabel('API key or admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key or admin token').waitFor();
}

/** Controls a screen reader could not name: no text, no aria-label, no label. */
function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('button, a[href], input, summary, [role=img]')]
    .filter((element) => {
      const labelled = element.getAttribute('aria-label') || element.getAttribute('aria-labelledby');
      const labels = element.labels ? element.labels.length > 0 : false;
      return !labelled && !labels && !(element.textContent || '').trim() && !element.getAttribute('title');
    })
    .map((element) => element.outerHTML.slice(0, 120))`);
}

describe.skipIf(!BROWSER_TESTS || !inject('postgresAvailable'))('web console [postgres]', () => {
  let service: ConsoleService;
  let call: Caller;
  let alice: string;
  let bob: string;
  let context: BrowserContext;
  let page: Page;
  /** Every API answer the page received while signed in as alice. */
  const seenByAlice: string[] = [];
  let recording = false;

  beforeAll(async () => {
    service = await startConsoleService('postgres');
    call = apiCaller(service.url);
    [alice, bob] = await seedUsers(call, ADMIN_TOKEN, ['alice', 'bob']);
    await seedConversations(call, ADMIN_TOKEN, alice, bob);
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    page = await context.newPage();
    // A step that cannot happen fails in seconds, with what it waited for.
    page.setDefaultTimeout(10_000);
    page.on('response', async (response) => {
      if (!recording || !response.url().includes('/v1/')) return;
      seenByAlice.push(await response.text().catch(() => ''));
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await service?.stop();
  });

  it('serves the built page at /console with its types, caching and a small first load', async () => {
    const root = await fetch(`${service.url}/console`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const page = await fetch(`${service.url}/console/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const scripts = [...html.matchAll(/src="(\/console\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const script of scripts) {
      const asset = await fetch(`${service.url}${script}`, {
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(asset.headers.get('content-encoding')).toBe('gzip');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      gzipped += Number(asset.headers.get('content-length'));
    }
    expect(gzipped).toBeGreaterThan(0);
    expect(gzipped).toBeLessThan(200 * 1024);
    expect((await fetch(`${service.url}/console/assets/nothing.js`)).status).toBe(404);
    const openapi = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });

  it('refuses a wrong key on the sign-in screen', async () => {
    await page.goto(`${service.url}/console/`);
    await page.getByLabel('API key or admin token').fill('csk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('401');
  });

  it("signs in with a user's key and lists that user's sessions, newest first", async () => {
    recording = true;
    await signIn(page, service.url, alice);
    const list = page.getByTestId('session-list');
    await list.getByRole('link').first().waitFor();
    const titles = await list.locator('.title').allTextContents();
    expect(titles).toEqual(['A birthday gift for Ana', 'Trip to Lisbon']);
    expect(await page.getByTestId('who').textContent()).toBe('User key');
  });

  it('finds a conversation by search, opens it, and shows a tool call with its result', async () => {
    await page.getByLabel('Search messages').fill('hotel lisbon');
    await page.getByRole('button', { name: 'Search' }).click();
    const hit = page.getByTestId('search-results').getByRole('link').first();
    await hit.waitFor();
    expect(await hit.innerHTML()).toContain('<mark>');
    await hit.click();
    await page.getByRole('heading', { level: 1, name: 'Trip to Lisbon' }).waitFor();
    expect(page.url()).toContain('#/sessions/trip-to-lisbon?seq=2');

    // The Markdown is rendered, and what it tried to run is not.
    const answer = page.getByRole('article', { name: 'Assistant message 6' });
    expect(await answer.locator('table td').first().textContent()).toBe('Hotel Ribeira');
    expect(await answer.locator('script').count()).toBe(0);
    expect(await answer.getByTestId('usage').textContent()).toContain('openai/gpt-x');
    // Reasoning collapsed; the picture shown from its data.
    expect(await page.locator('details.reasoning').first().getAttribute('open')).toBeNull();
    expect(await page.locator('.attachments img').getAttribute('alt')).toBe('ribeira-map.svg');

    const call = page.locator('[data-tool-call="call_hotels"]');
    expect(await call.locator('summary').textContent()).toContain('searchHotels');
    expect(await call.getByTestId('tool-output').isVisible()).toBe(false);
    await call.locator('summary').click();
    expect(JSON.parse((await call.getByTestId('tool-input').textContent())!)).toEqual({
      city: 'Lisbon',
      near: 'river',
      nights: 3,
    });
    expect(await call.getByTestId('tool-output').textContent()).toContain('Hotel Ribeira');
    await call.getByRole('button', { name: /Go to the result \(message #5\)/ }).click();
    await expect
      .poll(() => page.locator('article:focus').getAttribute('aria-label'))
      .toBe('Tool message 5');
    expect(await page.locator('[data-tool-result="call_hotels"]').getAttribute('open')).toBe('');
  });

  it('follows a draft as it is checkpointed until it is finalized, and marks aborted and failed ones', async () => {
    const begun = await call('POST', '/v1/sessions/live-answer/drafts', alice, {
      content: 'Let me think',
      lease_ms: 60_000,
    });
    expect(begun.status).toBe(201);
    const { message, lease } = begun.body as { message: { message_id: string }; lease: string };
    const draft = `/v1/sessions/live-answer/drafts/${message.message_id}`;
    await page.goto(`${service.url}/console/#/sessions/live-answer`);
    const article = page.getByRole('article', { name: 'Assistant message 1' });
    await article.waitFor();
    expect(await article.getAttribute('data-status')).toBe('streaming');
    expect(await article.getByTestId('status').textContent()).toBe('streaming…');

    for (const text of ['The answer', 'The answer is', 'The answer is **42**']) {
      expect((await call('PUT', draft, alice, { lease, content: text })).status).toBe(200);
      await expect
        .poll(() => article.locator('.markdown').innerText())
        .toBe(text.replace(/\*/g, ''));
    }
    const finalized = await call('POST', `${draft}/finalize`, alice, {
      lease,
      status: 'complete',
      usage: { model: 'gpt-x', output_tokens: 7, latency_ms: 400 },
    });
    expect(finalized.status).toBe(200);
    await expect.poll(() => article.getAttribute('data-status')).toBe('complete');
    expect(await article.getByTestId('status').count()).toBe(0);
    expect(await article.getByTestId('usage').textContent()).toContain('gpt-x');

    // Drafts begun while the page is open show up, and end marked aborted or failed.
    const ends = ['aborted', 'error'] as const;
    const begun2 = [];
    for (const _ of ends) {
      const draft2 = await call('POST', '/v1/sessions/live-answer/drafts', alice, {
        content: 'Partial',
      });
      begun2.push(draft2.body as { message: { message_id: string; seq: number }; lease: string });
    }
    for (const [i, status] of ends.entries()) {
      const { message: started, lease: held } = begun2[i]!;
      const shown = page.getByRole('article', { name: `Assistant message ${started.seq}` });
      await shown.waitFor();
      await call('POST', `/v1/sessions/live-answer/drafts/${started.message_id}/finalize`, alice, {
        lease: held,
        status,
      });
      await expect.poll(() => shown.getAttribute('data-status')).toBe(status);
      expect(await shown.getByTestId('status').textContent()).toBe(
        status === 'error' ? 'failed' : 'aborted',
      );
    }
  });

  it('reads a 10,000-message session a window at a time, paged both ways by seq', async () => {
    // The first message through the API; the other 9,999 written in one statement, as a long
    // history would be there already (storing them through the API is not what this reads).
    const first = await call('POST', '/v1/sessions/long-read/messages', alice, {
      role: 'user',
      content: 'Line 1',
    });
    expect(first.status).toBe(201);
    await execSql(
      'postgres',
      `INSERT INTO "${service.schema}".messages
         (user_id, session_id, seq, message_id, role, content, created_at, updated_at, token_count)
       SELECT 'alice', 'long-read', n, 'long-' || n,
              CASE WHEN n % 2 = 1 THEN 'user' ELSE 'assistant' END, 'Line ' || n, now(), now(), 2
         FROM generate_series(2, 10000) AS n;
       UPDATE "${service.schema}".sessions SET last_seq = 10000, message_count = 10000
        WHERE user_id = 'alice' AND session_id = 'long-read';`,
    );
    const shown = page.locator('[data-testid="messages"] > article');
    const seqs = async () =>
      (await shown.evaluateAll((all) => all.map((a) => a.getAttribute('data-seq')))).map(Number);
    await page.goto(`${service.url}/console/#/sessions/long-read`);
    await expect.poll(() => shown.count()).toBe(50);
    expect((await seqs()).slice(0, 1).concat((await seqs()).slice(-1))).toEqual([9951, 10_000]);
    await page.getByRole('button', { name: /Older messages/ }).click();
    await expect.poll(() => shown.count()).toBe(100);
    expect((await seqs())[0]).toBe(9901);
    // The message that was on top is still on screen: reading goes on where it was.
    const kept = await page.locator('#m-9951').boundingBox();
    expect(kept!.y).toBeGreaterThanOrEqual(0);
    expect(kept!.y).toBeLessThan(900);

    // Opened in the middle (as from a search hit), it pages forward and back from there.
    await page.goto(`${service.url}/console/#/sessions/long-read?seq=5000`);
    await expect.poll(() => page.locator('article:focus').getAttribute('data-seq')).toBe('5000');
    expect((await seqs())[0]).toBe(4991);
    await page.getByRole('button', { name: /Newer messages/ }).click();
    await expect.poll(() => shown.count()).toBe(100);
    expect((await seqs()).at(-1)).toBe(5090);
    // At most 300 on the page: going far back lets go of the newest, which come back on demand.
    for (let page_ = 1; page_ <= 5; page_++) {
      await page.getByRole('button', { name: /Older messages/ }).click();
      await expect.poll(async () => (await seqs())[0]).toBe(4991 - 50 * page_);
    }
    const window = await seqs();
    expect(window.length).toBe(300);
    expect(window.at(-1)).toBe(5040);
    expect(window.every((seq, i) => i === 0 || seq === window[i - 1]! + 1)).toBe(true);
    await page.getByRole('button', { name: /Newer messages \(after #5040\)/ }).waitFor();
  });

  it("plots the usage API's own numbers, with them in a table", async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    const activity = page.locator('[data-chart="activity"]');
    await activity.waitFor();
    const plotted = JSON.parse((await activity.getAttribute('data-series'))!) as {
      x: string[];
      series: Record<string, number[]>;
    };
    const ask = async (group: string) =>
      (
        await call(
          'GET',
          `/v1/usage?from=${plotted.x[0]}&to=${tomorrow}&group_by=${group}&time_zone=UTC`,
          alice,
        )
      ).body.rows as Array<Record<string, number | string>>;
    const days = await ask('day');
    expect(days.length).toBeGreaterThan(0);
    expect(plotted.x.at(-1)).toBe(today);
    for (const row of days) {
      const index = plotted.x.indexOf(row.day as string);
      expect(plotted.series.messages![index]).toBe(row.messages);
      expect(plotted.series['sessions started']![index]).toBe(row.sessions);
      expect(plotted.series['active sessions']![index]).toBe(row.active_sessions);
    }
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(plotted.series.messages!)).toBe(sum(days.map((row) => row.messages as number)));
    expect(
      Number((await page.getByTestId('total-messages').textContent())!.replace(/\D/g, '')),
    ).toBe(sum(days.map((row) => row.messages as number)));
    // The table has the same numbers.
    const cells = await activity
      .locator(`table tr:has(th:text-is("${today}")) td`)
      .allTextContents();
    const todayRow = days.find((row) => row.day === today)!;
    expect(cells.map((cell) => Number(cell.replace(/\D/g, '')))).toEqual([
      todayRow.messages,
      todayRow.sessions,
      todayRow.active_sessions,
    ]);

    const byModel = JSON.parse(
      (await page.locator('[data-chart="tokens-by-model"]').getAttribute('data-series'))!,
    ) as { x: string[]; series: Record<string, number[]> };
    const models = await ask('model');
    for (const row of models) {
      const index = byModel.x.indexOf((row.model as string | null) ?? '(no model)');
      expect(byModel.series.input![index]).toBe(row.input_tokens);
      expect(byModel.series.output![index]).toBe(row.output_tokens);
    }
    expect(byModel.x).toContain('gpt-x');

    // Under the pointer, the tooltip says the day and its numbers.
    const over = activity.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    const tooltip = activity.locator('.tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toContain(today);
    expect(await tooltip.textContent()).toContain(
      `messages: ${Number(todayRow.messages).toLocaleString('en-US')}`,
    );
  });

  it('filters search hits by who wrote them', async () => {
    await page.goto(`${service.url}/console/#/sessions?q=hotel&role=tool`);
    const hits = page.getByTestId('search-results').getByRole('link');
    await hits.first().waitFor();
    expect(await page.getByLabel('from').inputValue()).toBe('tool');
    const metas = await hits.locator('.meta').allTextContents();
    expect(metas.length).toBeGreaterThan(0);
    expect(metas.every((meta) => meta.includes('tool · message 5'))).toBe(true);
  });

  it("never shows another user's data to a user's key", async () => {
    await page.goto(`${service.url}/console/#/sessions/bob-private-plans`);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('No such conversation');
    await page.goto(`${service.url}/console/#/sessions?q=${PRIVATE_WORD}`);
    await page.getByText('No message matches.').waitFor();
    await page.goto(`${service.url}/console/#/sessions`);
    await page.getByTestId('session-list').getByRole('link').first().waitFor();
    expect(await page.getByTestId('session-list').textContent()).not.toContain('bob');
    recording = false;
    expect(seenByAlice.length).toBeGreaterThan(5);
    for (const body of seenByAlice) {
      expect(body).not.toContain(PRIVATE_WORD);
      expect(body).not.toContain('bob-private-plans');
    }
  });

  it('exports a conversation and deletes it, after confirming', async () => {
    await page.goto(`${service.url}/console/#/sessions/live-answer`);
    await page.getByRole('article', { name: 'Assistant message 3' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await (await download).createReadStream();
    let text = '';
    for await (const chunk of file) text += chunk;
    const exported = JSON.parse(text) as { session: { session_id: string }; messages: unknown[] };
    expect(exported.session.session_id).toBe('live-answer');
    expect(exported.messages).toHaveLength(3);

    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete this conversation?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
    await page.getByTestId('session-list').getByRole('link').first().waitFor();
    expect(await page.getByTestId('session-list').textContent()).not.toContain('live-answer');
    expect((await call('GET', '/v1/sessions/live-answer', alice)).status).toBe(404);
  });

  it('names every control and chart for screen readers, in every view', async () => {
    for (const view of ['#/sessions', '#/sessions/trip-to-lisbon', '#/usage']) {
      await page.goto(`${service.url}/console/${view}`);
      await page.locator('h1').waitFor();
      await page.locator('main :is(li, article, figure)').first().waitFor();
      expect(await unnamedControls(page), view).toEqual([]);
    }
  });

  it('lets the admin token erase a user, after confirming, and their sessions go', async () => {
    await signOut(page);
    await signIn(page, service.url, ADMIN_TOKEN);
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    const row = page.locator('[data-testid="users-table"] tr[data-user="bob"]');
    await row.waitFor();
    expect(await page.locator('[data-testid="users-table"] tbody tr').count()).toBe(2);
    expect(await page.getByTestId('agents').textContent()).toContain('travel-agent');
    expect(await page.getByTestId('readiness').textContent()).toContain('postgres');
    expect(await unnamedControls(page)).toEqual([]);

    // The catalogue and cleanup, from the same page.
    await page.getByLabel('Agent id').fill('support-bot');
    await page.getByLabel('Model').fill('gpt-z');
    await page.getByRole('button', { name: 'Save agent' }).click();
    await expect.poll(() => page.getByTestId('agents').textContent()).toContain('support-bot');
    await page.getByRole('button', { name: 'Run cleanup now' }).click();
    expect(await page.getByTestId('cleanup-result').textContent()).toBe(
      'Reclaimed 0 expired sessions and 0 messages.',
    );

    const bobsUsage = () =>
      call('GET', `/v1/admin/usage?from=${today}&to=${tomorrow}&user_id=bob`, ADMIN_TOKEN);
    expect((await bobsUsage()).body.rows).toEqual([
      expect.objectContaining({ sessions: 1, messages: 1 }),
    ]);
    await row.getByRole('button', { name: 'Erase bob' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase bob?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Erase bob' }).click();
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await expect
      .poll(() => page.getByRole('status').allTextContents())
      .toContainEqual(expect.stringContaining('Erased bob: 1 sessions, 1 messages'));
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.locator('[data-user="alice"]').count()).toBe(1);
    // The API agrees: no session of bob's is left, and his key is refused.
    expect((await bobsUsage()).body.rows).toEqual([]);
    expect((await call('GET', '/v1/sessions', bob)).status).toBe(401);
  });

  it("shows the admin everyone's usage, or one user's", async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Usage of everyone' }).waitFor();
    await page.locator('[data-chart="active-users"]').waitFor();
    await page.getByLabel('User (empty: everyone)').fill('alice');
    await page.getByLabel('User (empty: everyone)').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Usage of alice' }).waitFor();
    const activity = page.locator('[data-chart="activity"]');
    const answer = await call(
      'GET',
      `/v1/admin/usage?from=${today}&to=${tomorrow}&group_by=day&time_zone=UTC&user_id=alice`,
      ADMIN_TOKEN,
    );
    const expected = (answer.body.rows as Array<{ messages: number }>)[0]!.messages;
    await expect
      .poll(async () => {
        const plotted = JSON.parse((await activity.getAttribute('data-series'))!) as {
          series: Record<string, number[]>;
        };
        return plotted.series.messages!.at(-1);
      })
      .toBe(expected);
    await page.getByRole('link', { name: 'Administration' }).click();
  });

  it('creates a user whose key is shown once and signs in with it', async () => {
    await page.getByLabel('New user id').fill('carol');
    await page.getByRole('button', { name: 'Create user and key' }).click();
    const key = await page.getByLabel('API key of carol').inputValue();
    expect(key).toMatch(/^csk_/);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    await signOut(page);
    await signIn(page, service.url, key);
    await page.getByText('No conversations yet.').waitFor();

    // Or straight from the key just shown: the tab then holds the user's key, not the token.
    await signOut(page);
    await signIn(page, service.url, ADMIN_TOKEN);
    await page.getByLabel('New user id').fill('dave');
    await page.getByRole('button', { name: 'Create user and key' }).click();
    await page.getByRole('button', { name: 'Sign in as dave' }).click();
    await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
    expect(await page.getByTestId('who').textContent()).toBe('User key');
    expect(await page.evaluate(`sessionStorage.getItem('convstore.console.token')`)).toMatch(
      /^csk_/,
    );
  });
});

describe.skipIf(!BROWSER_TESTS)('web console [pglite]', () => {
  let service: ConsoleService;
  let context: BrowserContext;

  beforeAll(async () => {
    service = await startConsoleService('pglite');
    const call = apiCaller(service.url);
    const [alice, bob] = await seedUsers(call, ADMIN_TOKEN, ['alice', 'bob']);
    await seedConversations(call, ADMIN_TOKEN, alice, bob);
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    const page = await context.newPage();
    await signIn(page, service.url, alice);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await service?.stop();
  });

  it('opens a conversation with its tool call on a phone-sized screen', async () => {
    const page = context.pages()[0]!;
    await page.getByRole('link', { name: /Trip to Lisbon/ }).click();
    const call = page.locator('[data-tool-call="call_hotels"]');
    await call.locator('summary').click();
    expect(await call.getByTestId('tool-output').textContent()).toContain('Tejo Suites');
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
  });

  it('is usable from the keyboard alone: open a conversation, open a tool call', async () => {
    const page = context.pages()[0]!;
    await page.goto(`${service.url}/console/#/sessions`);
    await page.getByRole('link', { name: /Trip to Lisbon/ }).waitFor();
    const focused = () =>
      page.evaluate(`document.activeElement?.textContent ?? ''`) as Promise<string>;
    const tabTo = async (text: string) => {
      for (let press = 0; press < 40 && !(await focused()).includes(text); press++) {
        await page.keyboard.press('Tab');
      }
      expect(await focused()).toContain(text);
    };
    // "/" jumps to the search box.
    await page.keyboard.press('/');
    await page.keyboard.type('river');
    await page.keyboard.press('Enter');
    await page.getByTestId('search-results').getByRole('link').first().waitFor();
    await page.goto(`${service.url}/console/#/sessions`);
    await page.getByRole('link', { name: /Trip to Lisbon/ }).waitFor();
    await tabTo('Trip to Lisbon');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Trip to Lisbon' }).waitFor();
    await tabTo('Tool call searchHotels');
    await page.keyboard.press('Enter');
    expect(await page.locator('[data-tool-call="call_hotels"]').getAttribute('open')).toBe('');
  });

  it('is not served when CONSOLE_ENABLED is false', async () => {
    const off = await startConsoleService('pglite', { console: false });
    try {
      expect((await fetch(`${off.url}/console/`)).status).toBe(404);
      expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
    } finally {
      await off.stop();
    }
  });
});

describe.skipIf(!BROWSER_TESTS || !inject('redisAvailable') || !inject('postgresAvailable'))(
  'web console [hybrid]',
  () => {
    it("shows the admin the cache's hits and misses and the write-behind queue", async () => {
      const service = await startTestService('hybrid', { cacheWriteMode: 'write-behind' });
      const call = apiCaller(service.url);
      const [alice] = await seedUsers(call, ADMIN_TOKEN, ['alice', 'bob']);
      await call('POST', '/v1/sessions/cached/messages', alice, { role: 'user', content: 'hi' });
      await call('GET', '/v1/sessions/cached/messages?last=5', alice);
      const context = await browser.newContext({ locale: 'en-US' });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        await signIn(page, service.url, ADMIN_TOKEN);
        const health = page.getByTestId('store-health');
        await health.waitFor();
        const shown = Object.fromEntries(
          await health
            .locator('div')
            .evaluateAll((rows) =>
              rows.map((row) => [
                row.querySelector('dt')?.textContent,
                row.querySelector('dd')?.textContent,
              ]),
            ),
        ) as Record<string, string>;
        expect(Object.keys(shown)).toEqual(
          expect.arrayContaining(['Cache hits', 'Cache misses', 'Write-behind queue depth']),
        );
        const count = (label: string) => Number(shown[label]!.replace(/\D/g, ''));
        expect(count('Cache hits') + count('Cache misses')).toBeGreaterThan(0);
        expect(await page.getByTestId('readiness').textContent()).toContain('hybrid');
      } finally {
        await context.close();
      }
    });
  },
);
