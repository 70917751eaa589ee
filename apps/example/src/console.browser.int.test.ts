/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromModelMessages } from '@memory/conversations';
import { createPostgresScratchDatabase, PG_TEST_URL_ENV, type ScratchDatabase } from '@memory/db/testing';
import { startS3TestServer, type S3TestServer } from '@memory/longterm-s3/testing';
import type { ModelMessage } from 'ai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from './api-keys.js';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';
import { DEMO_SESSION_ID, DEMO_USER_ID } from './demo-data.js';

// The memory console in a real browser: Debian's chromium driven by playwright-core.
// Install it with `scripts/install-browser.sh`. MEMORY_SCREENSHOTS=1 also writes the README's
// screenshots (docs/screenshots/, from the embedded run), which `pnpm screenshots` does.
// The same journeys run twice: on embedded defaults (PGlite + files), and on PostgreSQL + an S3
// bucket (a scratch database on MEMORY_TEST_PG_URL, the repo's S3 protocol test server).
const CHROMIUM = process.env.MEMORY_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, '../../../docs/screenshots');
const shoot = process.env.MEMORY_SCREENSHOTS === '1';
const noChromium = existsSync(CHROMIUM) ? undefined : `needs ${CHROMIUM}: npm run browser:install`;

/** Where the service under test keeps its data, and how the journeys look into it. */
interface Backend {
  memory: MemoryApp;
  /** Object keys in the long-term store naming `userId` (files or the bucket). */
  longTermKeys(userId: string): Promise<string[]>;
  /** S3 requests the bucket received (PostgreSQL + S3 only). */
  s3?: S3TestServer;
  close(): Promise<void>;
}

interface Setup {
  name: string;
  /** Why this setup cannot run here (the suite is skipped with this reason). */
  unavailable: string | undefined;
  /** Idle days given to alice's sessions before the archive journey, and the tier they end in. */
  archive: { days: number; tier: 'cold' | 'deep' };
  /** Writes the README's screenshots (one setup does). */
  screenshots: boolean;
  start(): Promise<Backend>;
}

const keysOf = (memory: MemoryApp, userId: string) =>
  memory.services.storage.listPrefix('').then((keys) => keys.filter((k) => k.includes(userId)));

const embedded: Setup = {
  name: 'embedded defaults (PGlite + files)',
  unavailable: undefined,
  archive: { days: 10, tier: 'cold' },
  screenshots: true,
  async start() {
    const dataDir = await mkdtemp(join(tmpdir(), 'memory-console-'));
    const memory = await buildApp(
      loadConfig({ MEMORY_DATA_DIR: dataDir, MEMORY_EMBEDDING_DIMENSIONS: '64', LOG_LEVEL: 'silent' }),
    );
    return {
      memory,
      longTermKeys: (userId) => keysOf(memory, userId),
      async close() {
        await memory.app.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const pgUrl = process.env[PG_TEST_URL_ENV];
const postgresS3: Setup = {
  name: 'PostgreSQL + S3',
  unavailable: pgUrl ? undefined : `set ${PG_TEST_URL_ENV} to run on a PostgreSQL server`,
  // Old enough to go past cold into the bucket (deep after 180 days), so restore reads it back from S3.
  archive: { days: 400, tier: 'deep' },
  screenshots: false,
  async start() {
    const scratch: ScratchDatabase = await createPostgresScratchDatabase(pgUrl!);
    let s3: S3TestServer | undefined;
    try {
      s3 = await startS3TestServer({ buckets: ['memory'] });
      const memory = await buildApp(
        loadConfig({
          DATABASE_URL: scratch.url,
          MEMORY_STORAGE_URL: `s3://memory?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1&forcePathStyle=true&prefix=long_term/`,
          MEMORY_EMBEDDING_DIMENSIONS: '64',
          LOG_LEVEL: 'silent',
        }),
        { storageCredentials: { accessKey: s3.accessKey, secretKey: s3.secretKey } },
      );
      const server = s3;
      return {
        memory,
        s3: server,
        longTermKeys: (userId) => keysOf(memory, userId),
        async close() {
          await memory.app.close();
          await server.close();
          await scratch.drop();
        },
      };
    } catch (error) {
      await s3?.close();
      await scratch.drop();
      throw error;
    }
  },
};

/** One assistant turn as the AI SDK hands it over: reasoning, text, tool calls and their results. */
const modelTurn: ModelMessage[] = [
  { role: 'user', content: [{ type: 'text', text: 'What is the weather in Kyoto, and is my calendar free?' }] },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'I need the forecast and the calendar before answering.' },
      { type: 'text', text: 'Let me check both.' },
      { type: 'tool-call', toolCallId: 'call_weather', toolName: 'weather', input: { city: 'Kyoto' } },
      { type: 'tool-call', toolCallId: 'call_calendar', toolName: 'calendar', input: { day: 'tomorrow' } },
    ],
  },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId: 'call_weather',
        toolName: 'weather',
        output: { type: 'json', value: { celsius: 21, sky: 'clear' } },
      },
      {
        type: 'tool-result',
        toolCallId: 'call_calendar',
        toolName: 'calendar',
        output: { type: 'error-text', value: 'calendar service offline' },
      },
    ],
  },
  {
    role: 'assistant',
    content: [{ type: 'text', text: 'It is 21 °C and clear in Kyoto. I could not reach your calendar.' }],
  },
];
/** The turn as the store keeps it (UIMessage parts: a tool's result joins its call), by the library's converter. */
const toolTurn = fromModelMessages(modelTurn);

for (const setup of [embedded, postgresS3]) {
  const skipped = noChromium ?? setup.unavailable;
  describe.skipIf(skipped !== undefined)(
    `memory console in Chromium on ${setup.name}${skipped ? ` (skipped: ${skipped})` : ''}`,
    () => {
      let backend: Backend;
      let memory: MemoryApp;
      let base: string;
      let browser: Browser;
      let page: Page;
      let toolSession: string;
      const errors: string[] = [];

      /** Writes a README screenshot: the viewport, or one element of the page. */
      const screenshot = async (name: string, selector?: string) => {
        if (!shoot || !setup.screenshots) return;
        const path = join(SHOTS, `${name}.png`);
        await (selector ? page.locator(selector).screenshot({ path }) : page.screenshot({ path, fullPage: false }));
      };
      const open = async (hash: string) => {
        await page.goto(`${base}/${hash}`);
        await page.waitForFunction((h) => document.body.dataset.ready === h, hash || '#/');
      };

      beforeAll(async () => {
        if (shoot && setup.screenshots) await mkdir(SHOTS, { recursive: true });
        backend = await setup.start();
        memory = backend.memory;
        base = (await memory.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
        // A second user with more to show: sessions, knowledge with a superseded value.
        const { store } = memory.services;
        const trip = await store.createSession({ userId: 'alice', title: 'Trip to Kyoto' });
        await memory.app.inject({
          method: 'POST',
          url: `/sessions/${trip.id}/messages`,
          payload: {
            messages: [
              { role: 'user', content: 'Find me a quiet hotel in Kyoto near the temples.' },
              { role: 'assistant', content: 'Here are three ryokan near Kiyomizu-dera.', model: 'qwen-max' },
              { role: 'user', content: 'I prefer one with an onsen.' },
            ],
          },
        });
        await memory.app.inject({
          method: 'POST',
          url: '/users/alice/knowledge',
          payload: { triples: [['alice', 'lives in', 'Berlin']], singleValued: ['lives in'] },
        });
        await memory.app.inject({
          method: 'POST',
          url: '/users/alice/knowledge',
          payload: {
            triples: [
              ['alice', 'lives in', 'Kyoto'],
              ['alice', 'likes', 'onsen'],
            ],
            singleValued: ['lives in'],
          },
        });
        await memory.app.inject({
          method: 'PATCH',
          url: '/users/alice/profile',
          payload: { name: 'Alice', diet: 'vegetarian' },
        });
        // A chat turn with reasoning and tool calls, stored as UIMessage parts.
        toolSession = (await store.createSession({ userId: DEMO_USER_ID, title: 'Weather and calendar' })).id;
        await store.appendMessages(toolSession, toolTurn);
        browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
        page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
        page.on('pageerror', (e) => errors.push(e.message));
      }, 300_000);

      afterAll(async () => {
        await browser?.close();
        await backend?.close();
      });

      it('lists users and opens one: profile with its version, knowledge current and superseded, sessions', async () => {
        await open('');
        await expect(page.locator('main table').innerText()).resolves.toContain(DEMO_USER_ID);
        await screenshot('users');
        await page.click('a[href="#/users/alice"]');
        await page.waitForFunction(() => document.body.dataset.ready === '#/users/alice');
        const text = await page.locator('main').innerText();
        expect(text).toMatch(/version /);
        expect(text).toContain('Trip to Kyoto');
        expect(text).toMatch(/Berlin\s+superseded/);
        expect(text).toMatch(/Kyoto\s+current/);
        await screenshot('user');
      });

      it('edits the profile and shows the new version', async () => {
        await open('#/users/alice');
        const before = await page.locator('main').innerText();
        await page.fill('#profile-json', JSON.stringify({ name: 'Alice', diet: 'vegan', city: 'Kyoto' }, null, 2));
        await page.click('#profile-save');
        await page.waitForSelector('#profile-status.ok');
        const profile = await memory.app.inject('/users/alice/profile');
        expect(profile.json().profile).toMatchObject({ user_id: 'alice', name: 'Alice', diet: 'vegan', city: 'Kyoto' });
        await page.waitForFunction(
          (old) => !document.querySelector('main')!.textContent!.includes(old),
          before.match(/version \S+/)![0],
        );
        if (backend.s3) {
          // The edit went to the bucket: a signed PUT of alice's profile object.
          expect(
            backend.s3.requests.some((r) => r.method === 'PUT' && r.url.includes('/memory/long_term/profiles/alice')),
          ).toBe(true);
        }
      });

      it('shows a transcript with summaries', async () => {
        await open(`#/sessions/${DEMO_SESSION_ID}`);
        const text = await page.locator('main').innerText();
        expect(text).toContain('Deploying the agent');
        expect(text).toContain('context_compression_v2');
        expect(await page.locator('.msg.user').count()).toBeGreaterThan(0);
        await screenshot('session');
      });

      it('shows reasoning, text, tool calls with their input, results and errors in the transcript', async () => {
        await open(`#/sessions/${toolSession}`);
        // One user message and one assistant message: the tool results belong to their calls.
        expect(await page.locator('.msg').count()).toBe(2);
        const assistant = page.locator('.msg.assistant');
        const reasoning = assistant.locator('details.part.reasoning');
        expect(await reasoning.count()).toBe(1);
        expect(await reasoning.getAttribute('open')).not.toBeNull();
        expect(await reasoning.innerText()).toContain('I need the forecast and the calendar before answering.');
        // Text parts in order, each once (the content, their projection, is not shown twice).
        const texts = await assistant.locator('.part.text').allInnerTexts();
        expect(texts).toEqual([
          'Let me check both.',
          'It is 21 °C and clear in Kyoto. I could not reach your calendar.',
        ]);

        const weather = assistant.locator('.part.tool[data-tool="weather"]');
        expect(await weather.getAttribute('data-state')).toBe('output-available');
        expect(await weather.innerText()).toMatch(
          /^Tool weather\s+result\s+call_weather\s+Input\s+\{[^]*\}\s+Output\s+\{/,
        );
        // Input and output are shown as indented JSON (key order as the database keeps it).
        const shown = (part: typeof weather) =>
          part.locator('pre.json').evaluateAll((els) => els.map((e) => JSON.parse(e.textContent!)));
        expect(await shown(weather)).toEqual([{ city: 'Kyoto' }, { celsius: 21, sky: 'clear' }]);

        const calendar = assistant.locator('.part.tool[data-tool="calendar"]');
        expect(await calendar.getAttribute('data-state')).toBe('output-error');
        expect(await calendar.locator('.badge').innerText()).toBe('error');
        expect(await shown(calendar)).toEqual([{ day: 'tomorrow' }]);
        expect(await calendar.locator('.tool-error').innerText()).toBe('calendar service offline');
        expect(await calendar.innerText()).not.toContain('Output');
        // The parts appear in the order the model produced them.
        const order = await assistant
          .locator('.part')
          .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.tool ?? e.className.replace('part ', '')));
        expect(order).toEqual(['reasoning', 'text', 'weather', 'calendar', 'step', 'text']);
        // Nothing falls back to a raw JSON dump of a whole part.
        expect(await page.locator('.part.other').count()).toBe(0);
        await screenshot('tools', 'section.card:has(.msg.assistant)');
      });

      it('searches messages and knowledge with scores', async () => {
        await open('#/search');
        await page.fill('#search-form input[name=user]', 'alice');
        await page.fill('#search-form input[name=q]', 'quiet hotel Kyoto');
        await page.click('#search-form button');
        await page.waitForSelector('#search-results table');
        const text = await page.locator('#search-results').innerText();
        expect(text).toContain('Find me a quiet hotel in Kyoto near the temples.');
        expect(await page.locator('#search-results .score').first().innerText()).toMatch(/^0\.\d{3}$/);
        // Each hit comes with one message of its conversation on each side (`around: 1`).
        const row = page
          .locator('#search-results tr')
          .filter({ has: page.locator('.hit', { hasText: 'Find me a quiet hotel in Kyoto' }) });
        expect(await row.locator('.hit').innerText()).toBe('user: Find me a quiet hotel in Kyoto near the temples.');
        expect(await row.locator('.context').allInnerTexts()).toEqual([
          'assistant: Here are three ryokan near Kiyomizu-dera.',
        ]);
        await screenshot('search');
      });

      it(`runs the archive with live progress, then restores a session from ${setup.archive.tier}`, async () => {
        const { db } = memory.services;
        await db.execute(
          `update sessions set updated_at = now() - interval '${setup.archive.days} days' where user_id = 'alice'`,
        );
        await open('#/archive');
        expect(await page.locator('main table').innerText()).toMatch(/active → cold\s+1/);
        await page.click('#archive-run');
        await page.waitForSelector('#archive-status.ok', { timeout: 60_000 });
        const status = await page.locator('#archive-status').innerText();
        expect(status).toContain('1 to cold');
        expect(status).toContain(setup.archive.tier === 'deep' ? '1 to deep' : '0 to deep');
        if (backend.s3) {
          expect(
            backend.s3.requests.some((r) => r.method === 'PUT' && r.url.includes('/memory/long_term/archive/')),
          ).toBe(true);
        }
        await screenshot('archive');
        await open('#/users/alice');
        await page.click('main a:has-text("Trip to Kyoto")');
        await page.waitForSelector('#restore');
        expect(await page.locator('main').innerText()).toContain(setup.archive.tier);
        await page.click('#restore');
        await page.waitForFunction(
          (tier) => document.querySelector('main')!.textContent!.includes(`Restored from ${tier}: 3 messages`),
          setup.archive.tier,
        );
        const sessions = await memory.app.inject('/sessions?userId=alice');
        expect(sessions.json().sessions[0].status).toBe('active');
        // The transcript is back.
        await page.click('a:has-text("Show the transcript")');
        await page.waitForFunction(() => document.querySelectorAll('.msg').length === 3);
        if (backend.s3) expect(await memory.services.storage.listPrefix('archive/')).toEqual([]);
      });

      it('shows the audit log', async () => {
        await open('#/audit');
        const text = await page.locator('main').innerText();
        expect(text).toContain('api_write');
        expect(text).toContain('PATCH /users/:userId/profile');
        await screenshot('audit');
      });

      it('exports, and purges only after the user id is typed', async () => {
        expect(await backend.longTermKeys('alice')).toHaveLength(2); // profile and knowledge
        await open('#/users/alice');
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
        expect(download.suggestedFilename()).toBe('alice.jsonl');
        await page.click('#purge');
        expect(await page.locator('#purge-go').isDisabled()).toBe(true);
        await page.fill('#purge-confirm', 'alic');
        expect(await page.locator('#purge-go').isDisabled()).toBe(true);
        await page.fill('#purge-confirm', 'alice');
        await page.click('#purge-go');
        await page.waitForSelector('#purge-result, main .error');
        expect(await page.locator('main .error').count(), await page.locator('main').innerText()).toBe(0);
        expect(await page.locator('#purge-result').innerText()).toMatch(/Purged: 1 sessions, 3 messages, 2 long-term/);
        expect((await memory.app.inject('/users/alice/profile')).statusCode).toBe(404);
        expect(await backend.longTermKeys('alice')).toEqual([]);
      });

      it('asks for a key when keys are on, and works with one', async () => {
        const { key } = await createApiKey(memory.services.db, { name: 'console', userId: null });
        await page.evaluate(() => localStorage.removeItem('memoryKey'));
        await open('');
        expect(await page.locator('main .error').innerText()).toContain('enter a key');
        await page.fill('#api-key', key);
        await page.press('#api-key', 'Enter');
        await page.locator('#api-key').dispatchEvent('change');
        await page.waitForSelector('main table');
        expect(await page.locator('main table').innerText()).toContain(DEMO_USER_ID);
        expect(errors).toEqual([]);
      });
    },
  );
}
