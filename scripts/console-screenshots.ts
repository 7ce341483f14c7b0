/**
 * Screenshots of the web console's main views for the README (docs/images/console-*.png):
 * the real service on an in-memory PGlite, conversations stored through the API, two weeks of
 * history (their times moved back in SQL, as a demo does), and Debian's Chromium.
 *
 *   npm run build && node --import tsx scripts/console-screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Page } from 'playwright-core';
import { loadServiceConfig } from '../src/config/index.js';
import { startService } from '../src/service/index.js';
import { pgliteExtensions } from '../src/stores/pglite/pglite-extensions.js';
import { launchBrowser } from '../test/console/support/browser.js';
import {
  apiCaller,
  seedConversations,
  seedUsers,
  type Caller,
} from '../test/console/support/seed-console.js';

const OUT = new URL('../docs/images/', import.meta.url);
const ADMIN = 'screenshot-admin-token-0123456789';
const SCHEMA = 'convstore';

const pglite = await PGlite.create('memory://', { extensions: await pgliteExtensions() });
const config = loadServiceConfig(
  {},
  { port: 0, host: '127.0.0.1', schema: SCHEMA, adminToken: ADMIN, logLevel: 'silent' },
);
const service = await startService(config, { pglite, say: () => {} });
const call = apiCaller(service.url);
const [alice, bob] = await seedUsers(call, ADMIN, ['alice', 'bob']);
await seedConversations(call, ADMIN, alice, bob);
await seedHistory(call, { alice, bob });
await moveBack(pglite);

mkdirSync(OUT, { recursive: true });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    colorScheme: 'light',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  await signIn(page, alice);
  await page.getByTestId('session-list').getByRole('link').first().waitFor();
  await shoot(page, 'console-sessions.png');

  await page.getByRole('link', { name: /Trip to Lisbon/ }).click();
  await page.locator('[data-tool-call="call_hotels"] summary').click();
  await page.locator('details.reasoning summary').first().click();
  await page.getByRole('article', { name: 'User message 2' }).scrollIntoViewIfNeeded();
  await page.evaluate('window.scrollTo(0, 0)');
  await shoot(page, 'console-conversation.png', true);

  await page.getByRole('link', { name: 'Usage' }).click();
  await page.locator('[data-chart="activity"] canvas').waitFor();
  await page.getByRole('button', { name: '30 days' }).click();
  await page.waitForTimeout(300); // the charts redraw on the new range: a picture, not a test
  await shoot(page, 'console-usage.png', true);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, ADMIN);
  await page.locator('[data-testid="users-table"] tbody tr').first().waitFor();
  await shoot(page, 'console-admin.png', true);

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    colorScheme: 'dark',
    timezoneId: 'UTC',
  });
  const small = await phone.newPage();
  await signIn(small, alice);
  await small.getByRole('link', { name: /Trip to Lisbon/ }).click();
  await small.locator('[data-tool-call="call_hotels"] summary').click();
  await shoot(small, 'console-phone.png');
} finally {
  await browser.close();
  await service.close();
  await pglite.close();
}

async function signIn(page: Page, token: string) {
  await page.goto(`${service.url}/console/`);
  await page.getByLabel('API key or admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function shoot(page: Page, name: string, fullPage = false) {
  await page.mouse.move(0, 0); // no hover highlight in the picture
  await page.screenshot({ path: new URL(name, OUT).pathname, fullPage });
  console.log(`wrote docs/images/${name}`);
}

/** Two weeks of conversations of several users, on two agents and three models. */
async function seedHistory(caller: Caller, keys: { alice: string; bob: string }) {
  const more = await seedUsers(caller, ADMIN, ['chen', 'dara']);
  const users = [keys.alice, keys.bob, ...more];
  const models = ['gpt-x', 'gpt-y', 'small-model'];
  const titles = [
    'Weekend in Porto',
    'Fix the flaky CI job',
    'Dinner for eight, two vegetarians',
    'Summarise the Q3 report',
    'Birthday playlist',
    'Rewrite the cover letter',
    'Which running shoes?',
  ];
  for (let day = 1; day <= 14; day++) {
    for (let u = 0; u < users.length; u++) {
      if ((day + u) % 3 === 0) continue;
      const turns = 1 + ((day * 7 + u * 3) % 4);
      const model = models[(day + u) % models.length]!;
      const messages = [];
      for (let turn = 0; turn < turns; turn++) {
        messages.push({ role: 'user', content: `Question ${turn + 1} of day ${day}` });
        messages.push({
          role: 'assistant',
          content: `An answer about day ${day}.`,
          usage: {
            model,
            input_tokens: 200 + ((day * 37 + turn * 53 + u * 11) % 400),
            output_tokens: 40 + ((day * 13 + turn * 29) % 120),
            latency_ms: 500 + ((day * 97 + turn * 31 + u * 7) % 1500),
          },
        });
      }
      const answer = await caller(
        'POST',
        `/v1/sessions/history-d${day}-u${u}/messages`,
        users[u]!,
        {
          agent_id: u % 2 === 0 ? 'travel-agent' : 'shopping',
          messages,
        },
      );
      if (answer.status !== 201) throw new Error(`history: ${answer.status}`);
      const title = titles[(day * 3 + u) % titles.length]!;
      await caller('PATCH', `/v1/sessions/history-d${day}-u${u}`, users[u]!, { title });
    }
  }
}

/** The history's sessions and messages, `day` days back (their ids say which day). */
async function moveBack(db: PGlite) {
  for (const table of ['sessions', 'messages']) {
    await db.exec(`
      UPDATE "${SCHEMA}".${table}
         SET created_at = created_at - (substring(session_id from 'history-d(\\d+)-')::int * interval '1 day')
       WHERE session_id LIKE 'history-d%'`);
  }
  await db.exec(`
    UPDATE "${SCHEMA}".sessions
       SET updated_at = updated_at - (substring(session_id from 'history-d(\\d+)-')::int * interval '1 day')
     WHERE session_id LIKE 'history-d%'`);
}
