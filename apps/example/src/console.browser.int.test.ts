/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from './api-keys.js';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';
import { DEMO_SESSION_ID, DEMO_USER_ID } from './demo-data.js';

// The memory console in a real browser: Debian's chromium driven by playwright-core.
// Install it with `scripts/install-browser.sh`. MEMORY_SCREENSHOTS=1 also writes the README's
// screenshots (docs/screenshots/), which `pnpm --filter @memory/example screenshots` does.
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

// Without chromium the journeys cannot run: skipped with this reason (install it, see above).
describe.skipIf(!existsSync(CHROMIUM))('memory console in Chromium (needs /usr/bin/chromium)', () => {
  let memory: MemoryApp;
  let base: string;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const screenshot = async (name: string) => {
    if (shoot) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
  };
  const open = async (hash: string) => {
    await page.goto(`${base}/${hash}`);
    await page.waitForFunction((h) => document.body.dataset.ready === h, hash || '#/');
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'memory-console-'));
    if (shoot) await mkdir(SHOTS, { recursive: true });
    memory = await buildApp(
      loadConfig({ MEMORY_DATA_DIR: dataDir, MEMORY_EMBEDDING_DIMENSIONS: '64', LOG_LEVEL: 'silent' }),
    );
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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
    page.on('pageerror', (e) => errors.push(e.message));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await memory?.app.close();
    await rm(dataDir, { recursive: true, force: true });
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
  });

  it('shows a transcript with summaries', async () => {
    await open(`#/sessions/${DEMO_SESSION_ID}`);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Deploying the agent');
    expect(text).toContain('context_compression_v2');
    expect(await page.locator('.msg.user').count()).toBeGreaterThan(0);
    await screenshot('session');
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
    await screenshot('search');
  });

  it('runs the archive with live progress, then restores a session', async () => {
    const { db } = memory.services;
    await db.execute("update sessions set updated_at = now() - interval '10 days' where user_id = 'alice'");
    await open('#/archive');
    expect(await page.locator('main table').innerText()).toMatch(/active → cold\s+1/);
    await page.click('#archive-run');
    await page.waitForSelector('#archive-status.ok', { timeout: 60_000 });
    expect(await page.locator('#archive-status').innerText()).toContain('1 to cold');
    await screenshot('archive');
    await open('#/users/alice');
    await page.click('main a:has-text("Trip to Kyoto")');
    await page.waitForSelector('#restore');
    expect(await page.locator('main').innerText()).toContain('cold');
    await page.click('#restore');
    await page.waitForFunction(() => document.querySelector('main')!.textContent!.includes('Restored from cold'));
    const sessions = await memory.app.inject('/sessions?userId=alice');
    expect(sessions.json().sessions[0].status).toBe('active');
  });

  it('shows the audit log', async () => {
    await open('#/audit');
    const text = await page.locator('main').innerText();
    expect(text).toContain('api_write');
    expect(text).toContain('PATCH /users/:userId/profile');
    await screenshot('audit');
  });

  it('exports, and purges only after the user id is typed', async () => {
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
    expect(await page.locator('#purge-result').innerText()).toMatch(/Purged: 1 sessions/);
    expect((await memory.app.inject('/users/alice/profile')).statusCode).toBe(404);
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
});
