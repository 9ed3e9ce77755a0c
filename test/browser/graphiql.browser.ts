/**
 * GraphiQL as a person uses it: the service starts in-process exactly as `npm start` starts it
 * with no OPS_MANAGER_* (embedded simulator, demo data, GraphiQL on), headless Chromium opens
 * /graphql, finds the example operation ready, runs it, and sees the demo invitations. Every
 * request that would leave the machine is refused and recorded: GraphiQL must work offline.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { launchChromium } from './chromium.ts';

/** results/graphiql.png and results/graphiql-*.png (results/ is git-ignored). */
const SCREENSHOTS = join(import.meta.dirname, '../../results/graphiql');

/** The text of a Monaco editor, which renders spaces as no-break spaces. */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').replaceAll('\u00a0', ' ');

// The tests run in order on one page, as a person goes from the first tab to the next.
describe('GraphiQL in Chromium', () => {
  let gateway: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const offMachine: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    gateway = await startServer(config, createLogger({ level: 'silent' }));
    browser = await launchChromium();
    await browser.context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      offMachine.push(url.href);
      return route.abort('internetdisconnected');
    });
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('opens with the example operation, runs it, and shows the demo invitations', async () => {
    const response = await page.goto(gateway.url, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(200);
    // The page as Chromium received it: compressed, at most 2 MB over the wire.
    const encoding = response!.headers()['content-encoding'];
    const { responseBodySize } = await response!.request().sizes();
    console.log(`GraphiQL page: ${encoding}, ${responseBodySize} bytes over the wire`);
    expect(['br', 'gzip']).toContain(encoding);
    expect(responseBodySize).toBeLessThanOrEqual(2 * 1024 * 1024);
    const queryEditor = page.locator('.graphiql-query-editor');
    await queryEditor.waitFor({ timeout: 20_000 }).catch(() => {});
    // First, so that a GraphiQL served from a CDN fails here, naming what it wanted to fetch.
    expect(offMachine).toEqual([]);
    await expect.poll(() => textOf(queryEditor), { timeout: 20_000 }).toContain('query ProjectInvitations');
    // The other operations wait in tabs of their own.
    expect(await page.locator('.graphiql-tab-button').allTextContents()).toEqual([
      'ProjectInvitations',
      'ProjectInvitation',
      'UpdateInvitationRoles',
      'CreateInvitation',
      'DeleteInvitation',
    ]);

    await page.locator('.graphiql-execute-button').click();
    const resultPane = page.locator('.graphiql-response');
    await expect.poll(() => textOf(resultPane), { timeout: 20_000 }).toContain('"username": "jane.smith@example.com"');
    expect(await textOf(resultPane)).not.toContain('"errors"');

    await mkdir(join(SCREENSHOTS, '..'), { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}.png` });
  });

  it('runs a mutation from its own tab with Ctrl+Enter, variables filled in', async () => {
    // The tabs' reorder animation does not settle in headless Chromium, so a pointer click at a
    // tab can land on its neighbour; dispatching the click is what the click would do.
    await page.locator('.graphiql-tab-button', { hasText: 'CreateInvitation' }).dispatchEvent('click');
    await expect
      .poll(() => textOf(page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)')))
      .toContain('"username": "new.person@example.com"');
    await page.locator('.graphiql-query-editor .view-lines').click();
    await page.keyboard.press('Control+Enter');
    const resultPane = page.locator('.graphiql-response');
    await expect.poll(() => textOf(resultPane), { timeout: 20_000 }).toContain('"__typename": "InvitationCreated"');
    await page.screenshot({ path: `${SCREENSHOTS}-create-invitation.png` });
  });

  it('fetched nothing from off the machine and threw no page errors', () => {
    expect(offMachine).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
