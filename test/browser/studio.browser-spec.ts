import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { OidcIssuerServer } from '@app/testing';
import { type BuiltStack, KEY_A, KEY_B, startBuiltStack } from '../support/built-stack';
import { Client } from '../support/http';
import { DESKTOP, launchChromium, PHONE, screenshot, seriousA11yViolations, tabTo } from './studio-browser';

/**
 * The studio in Debian's Chromium against the built stack, as a marketer uses it: sign in, load a
 * sample, plan, edit, render, watch, reload, play, download, find it again; and the ways it fails.
 * The stack prices the embedded video model, so a tiny budget fails a job honestly (BUDGET.EXCEEDED
 * before anything is spent) and the estimate shows a real figure.
 */
const PRICE_PER_SECOND = 0.05;
const MINIMAL_SEC = 6;

describe('Reelsmith Studio in the browser', () => {
  let stack: BuiltStack;
  let dir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let jobId: string;
  let issuer: OidcIssuerServer;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'studio-browser-'));
    const models = join(dir, 'models.json');
    writeFileSync(
      models,
      JSON.stringify({
        profiles: {
          video_default: {
            kind: 'video',
            provider: 'embedded',
            model: 'animatic',
            fps: 24,
            acceptsFirstFrame: true,
            price: { perSecondUsd: PRICE_PER_SECOND },
          },
        },
      }),
    );
    // A local OpenID Connect issuer with a hosted sign-in that approves at once: the studio's single sign-on.
    issuer = await OidcIssuerServer.start({ audience: 'reelsmith-studio' });
    [stack, browser] = await Promise.all([
      startBuiltStack({
        env: { MODELS_FILE: models, OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.audience },
      }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    page = await context.newPage();
    // Anything the CSP refuses, or a script error, is a defect the person would hit.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageProblems.push(m.text());
    });
    page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The same screen at phone width, in its own tab signed in with the same key. */
  async function phoneShot(path: string, name: string, prepare?: (phone: Page) => Promise<void>) {
    const phone = await context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.addInitScript((key) => sessionStorage.setItem('reelsmith.apiKey', key), KEY_A);
    await phone.goto(`${stack.baseUrl}${path}`);
    await phone.locator('main h1').waitFor();
    await prepare?.(phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0)
      console.log(
        'WIDE',
        await phone.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 8)
            .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
            .join(' | '),
        ),
      );
    await screenshot(phone, `${name}-phone`);
    await phone.close();
    return overflow;
  }

  it('signs in with the keyboard, refusing a wrong key in plain words', async () => {
    await page.goto(stack.baseUrl);
    const key = page.getByLabel('API key');
    await tabTo(page, key);
    await page.keyboard.type('not-a-key');
    await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/API key was not accepted/);
    expect(await page.getByRole('link', { name: 'Library' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-desktop');

    await key.fill(KEY_A);
    await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New ad', level: 1 }).waitFor();
    expect(page.url()).not.toContain(KEY_A);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    const phone = await context.browser()!.newPage({ viewport: PHONE });
    await phone.goto(stack.baseUrl);
    await phone.getByLabel('API key').waitFor();
    await screenshot(phone, 'sign-in-phone');
    await phone.close();
  });

  it('loads a sample, plans it, and shows the storyboard as editable scene cards with running totals', async () => {
    const sample = page.getByLabel('Sample');
    await tabTo(page, sample);
    await sample.selectOption('minimal');
    expect(await page.getByLabel('Brief', { exact: true }).inputValue()).toMatch(/bakery/);
    expect(await page.getByLabel('Duration (seconds)').first().inputValue()).toBe(String(MINIMAL_SEC));
    for (const label of ['Aspect ratio', 'Product name', 'Call to action', 'Side effects', 'Dosage', 'Disclaimer'])
      expect(await page.getByLabel(label, { exact: true }).count()).toBe(1);

    await tabTo(page, page.getByRole('button', { name: 'Plan storyboard' }));
    await page.keyboard.press('Enter');
    const scene1 = page.getByRole('group', { name: 'Scene 1', exact: true });
    await scene1.waitFor();
    const scenes = await page.getByRole('group', { name: /^Scene \d+$/ }).count();
    expect(scenes).toBeGreaterThanOrEqual(2);
    for (const label of ['Visual prompt', 'On-screen text', 'Narration', 'Duration (seconds)'])
      expect(await scene1.getByLabel(label, { exact: true }).count()).toBe(1);

    const onScreen = scene1.getByLabel('On-screen text', { exact: true });
    const estimated = page.waitForResponse((r) => r.url().endsWith('/v1/storyboards/estimate') && r.status() === 200);
    await onScreen.fill('Fresh from the oven at dawn');
    // The registry's price for every generated second (blends add overlap seconds to a clip).
    const { costUsd } = (await (await estimated).json()) as { costUsd: number };
    expect(costUsd).toBeGreaterThanOrEqual(PRICE_PER_SECOND * MINIMAL_SEC);
    const totals = page.locator('.totals');
    await page.waitForFunction(
      (expected) => document.querySelector('.totals')?.textContent?.includes(expected),
      `$${costUsd.toFixed(2)}`,
    );
    expect(await totals.textContent()).toContain(`${MINIMAL_SEC} s of ${MINIMAL_SEC} s`);

    // Reordering by keyboard: scene 2 moves up and the first scene still starts on a cut.
    const secondPrompt = await page
      .getByRole('group', { name: 'Scene 2', exact: true })
      .getByLabel('Visual prompt')
      .inputValue();
    await tabTo(page, page.getByRole('button', { name: 'Move up: scene 2' }));
    await page.keyboard.press('Enter');
    expect(await scene1.getByLabel('Visual prompt').inputValue()).toBe(secondPrompt);
    expect(await scene1.getByLabel('Transition').inputValue()).toBe('cut');
    await page.getByRole('button', { name: 'Move down: scene 1' }).click();
    expect(
      await page.getByRole('group', { name: 'Scene 2', exact: true }).getByLabel('Visual prompt').inputValue(),
    ).toBe(secondPrompt);
    expect(await scene1.getByLabel('On-screen text').inputValue()).toBe('Fresh from the oven at dawn');

    // A rule the render would refuse shows before rendering, next to the totals.
    await scene1.getByLabel('Duration (seconds)').fill('5');
    await page.getByText(/durations sum to/).waitFor();
    await scene1.getByLabel('Duration (seconds)').fill(String(await firstSceneDuration()));
    await page.waitForFunction(() => !document.body.textContent?.includes('durations sum to'));

    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'new-ad-desktop');
    const overflow = await phoneShot('/new', 'new-ad', async (phone) => {
      await phone.getByLabel('Sample').selectOption('allergy-30s');
      await phone.getByRole('button', { name: 'Plan storyboard' }).click();
      await phone.getByRole('group', { name: 'Scene 1', exact: true }).waitFor();
      await phone.waitForFunction(() => /\$\d/.test(document.querySelector('.totals')?.textContent ?? ''));
    });
    expect(overflow).toBeLessThanOrEqual(0);
  });

  async function firstSceneDuration(): Promise<number> {
    const others = await page
      .getByRole('group', { name: /^Scene \d+$/ })
      .evaluateAll((groups) =>
        groups.slice(1).map((g) => Number((g.querySelector('input[type=number]') as HTMLInputElement).value)),
      );
    return MINIMAL_SEC - others.reduce((a, b) => a + b, 0);
  }

  it('renders the edited storyboard and follows it live, through a reload, to completed', async () => {
    const eventRequests: Array<string | undefined> = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/events')) eventRequests.push(r.headers()['last-event-id']);
    });
    await tabTo(page, page.getByRole('button', { name: 'Render' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/jobs\/[0-9A-Z]{26}$/);
    jobId = page.url().split('/').pop()!;
    const job = await new Client(stack.baseUrl, KEY_A).job(jobId);
    expect((job as unknown as { planning: { planner: string } }).planning.planner).toBe('provided');

    const bar = page.getByRole('progressbar');
    const status = page.getByRole('status').filter({ hasText: 'Status:' });
    const seen = new Set<number>();
    let reloadedAt: number | null = null;
    let afterReload: number | null = null;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const value = Number(await bar.getAttribute('aria-valuenow'));
      seen.add(value);
      const text = (await status.textContent()) ?? '';
      if (reloadedAt !== null && afterReload === null) afterReload = value;
      if (reloadedAt === null && value > 0 && /generating|composing/.test(text)) {
        await screenshot(page, 'job-live-desktop');
        reloadedAt = value;
        await page.reload();
        await bar.waitFor();
        continue;
      }
      if (/completed/.test(text)) break;
      if (/failed|cancelled/.test(text)) throw new Error(`the job ended ${text}`);
      if (Date.now() > deadline) throw new Error(`not completed in time: ${text}`);
      await page.waitForTimeout(40);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(reloadedAt).not.toBeNull();
    expect(afterReload!).toBeGreaterThanOrEqual(reloadedAt!);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(100);
    // The reloaded page resumed its stream from the version it had read, not from the start.
    expect(eventRequests.length).toBeGreaterThanOrEqual(2);
    expect(eventRequests.every((id) => id !== undefined && Number(id) >= 1)).toBe(true);
    const scenes = page.getByRole('group', { name: /^Scene \d+$/ });
    for (const text of await scenes.allTextContents()) expect(text).toContain('completed');
  });

  it('plays the final cut with captions, at the brief’s length', async () => {
    const video = page.locator('video.final');
    await video.waitFor();
    const media = await video.evaluate(async (v: HTMLVideoElement) => {
      if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
      const track = v.textTracks[0];
      track.mode = 'showing';
      v.muted = true;
      await v.play();
      // It plays: the clock moves (given a few seconds on a busy machine).
      for (let i = 0; i < 100 && v.currentTime < 0.5; i++) await new Promise((r) => setTimeout(r, 50));
      return {
        duration: v.duration,
        currentTime: v.currentTime,
        cues: track.cues?.length ?? 0,
        error: v.error?.message ?? null,
      };
    });
    expect(media.error).toBeNull();
    expect(Math.abs(media.duration - MINIMAL_SEC)).toBeLessThan(0.25);
    expect(media.currentTime).toBeGreaterThanOrEqual(0.5);
    expect(media.cues).toBeGreaterThan(0);
    await video.evaluate((v: HTMLVideoElement) => {
      v.pause();
      v.currentTime = 1.5;
      v.textTracks[0].mode = 'hidden';
    });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'job-completed-desktop');
    expect(
      await phoneShot(`/jobs/${jobId}`, 'job-completed', (p) => p.locator('video.final').waitFor()),
    ).toBeLessThanOrEqual(0);
  });

  it('downloads every output and one ZIP of them all', async () => {
    const save = async (name: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name }).first().click(),
      ]);
      const path = join(dir, download.suggestedFilename());
      await download.saveAs(path);
      return { path, name: download.suggestedFilename(), bytes: readFileSync(path) };
    };
    const mp4 = await save('Download MP4');
    expect(mp4.name).toBe(`${jobId}-video-16x9.mp4`);
    expect(mp4.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const captions = await save('Download captions');
    expect(captions.bytes.toString('utf8')).toMatch(/^WEBVTT/);
    const poster = await save('Download poster');
    expect(poster.bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    const preview = await save('Download preview');
    expect(preview.bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');

    const zip = await save('Download all (ZIP)');
    expect(zip.name).toBe(`reelsmith-${jobId}.zip`);
    expect(execFileSync('unzip', ['-t', zip.path]).toString()).toContain('No errors detected');
    const names = execFileSync('unzip', ['-Z1', zip.path]).toString().trim().split('\n').sort();
    expect(names).toEqual(['captions.vtt', 'poster.jpg', 'preview.webp', 'video-16x9.mp4']);
    expect(execFileSync('unzip', ['-p', zip.path, 'video-16x9.mp4']).equals(mp4.bytes)).toBe(true);
  });

  it('finds the job in the library, filters by status, and opens it', async () => {
    await tabTo(page, page.getByRole('link', { name: 'Library' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    const link = page.getByRole('link', { name: new RegExp(jobId) });
    await link.waitFor();
    expect(await link.textContent()).toMatch(/bakery/);
    await page.locator('.job-card img').first().waitFor();
    expect(
      await page
        .locator('.job-card img')
        .first()
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);

    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No ads are failed.').waitFor();
    await page.getByLabel('Status').selectOption('completed');
    await link.waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'library-desktop');
    expect(await phoneShot('/library', 'library', (p) => p.locator('.job-card').first().waitFor())).toBeLessThanOrEqual(
      0,
    );

    await tabTo(page, link);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/jobs/${jobId}$`));
    await page.getByRole('status').filter({ hasText: 'completed' }).waitFor();
  });

  it('edits a scene caption on the completed job, shows what it will cost, and makes the revision', async () => {
    const card = page.getByRole('group', { name: 'Edit scene 1' });
    await card.getByLabel('On-screen text').fill('Baked fresh at dawn');
    await tabTo(page, page.getByRole('button', { name: 'Apply changes' }));
    await page.keyboard.press('Enter');
    // before anything is sent: what it makes again and what it costs
    const quote = page.getByRole('status').filter({ hasText: 'This revision makes' });
    await quote.waitFor();
    expect(await quote.textContent()).toMatch(/no scene again \(a new final cut only\), estimated cost \$0\.00/);
    expect((await new Client(stack.baseUrl, KEY_A).request('GET', `/v1/jobs/${jobId}/revisions`)).body.items).toEqual([
      expect.objectContaining({ number: 0 }),
    ]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'revision-quote-desktop');

    await quote.getByRole('button', { name: 'Create revision' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Status:' });
    await status.filter({ hasText: 'revision 1' }).waitFor();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const text = (await status.textContent()) ?? '';
      if (/completed/.test(text) && /revision 1/.test(text)) break;
      if (/failed|cancelled/.test(text)) throw new Error(`the revision ended ${text}`);
      if (Date.now() > deadline) throw new Error(`the revision did not complete in time: ${text}`);
      await page.waitForTimeout(100);
    }
    // the new cut plays, and the edit card shows the storyboard as revised
    await page.locator('video.final').waitFor();
    expect(await card.getByLabel('On-screen text').inputValue()).toBe('Baked fresh at dawn');
    const { body } = await new Client(stack.baseUrl, KEY_A).request('GET', `/v1/jobs/${jobId}/revisions`);
    expect(body.items.map((r: { number: number; status: string }) => [r.number, r.status])).toEqual([
      [0, 'completed'],
      [1, 'completed'],
    ]);
    expect(body.items[1]).toMatchObject({ regenerate: [], costUsd: 0, changes: [{ field: 'scenes[0].onScreenText' }] });
    await screenshot(page, 'revision-completed-desktop');
  });

  it('signs in with single sign-on (Authorization Code + PKCE) and sends the access token, never a key', async () => {
    const sso = await browser.newContext({ viewport: DESKTOP });
    const p = await sso.newPage();
    const apiCalls: Array<Record<string, string>> = [];
    p.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v1/jobs')) apiCalls.push(r.headers());
    });
    issuer.signInAs = { sub: 'marketer-1', tenant: 'tenantA' };
    await p.goto(`${stack.baseUrl}/library`);
    await tabTo(p, p.getByRole('button', { name: 'Continue with single sign-on' }));
    await p.keyboard.press('Enter');
    await p.getByRole('link', { name: new RegExp(jobId) }).waitFor();
    expect(p.url()).toBe(`${stack.baseUrl}/library`);
    expect(issuer.hits).toMatchObject({ authorize: 1, token: 1 });
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const headers of apiCalls) {
      expect(headers.authorization).toMatch(/^Bearer ey/);
      expect(headers['x-api-key']).toBeUndefined();
    }
    expect(await p.evaluate(() => Object.keys(sessionStorage))).toEqual(['reelsmith.accessToken']);
    // Someone of another tenant signs in and sees none of tenant A's ads.
    const other = await sso.newPage();
    issuer.signInAs = { sub: 'marketer-2', tenant: 'tenantB' };
    await other.goto(`${stack.baseUrl}/library`);
    await other.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await other.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
    await other.getByText('No ads yet.').waitFor();
    expect(await other.getByRole('link', { name: new RegExp(jobId) }).count()).toBe(0);
    await sso.close();
  });

  it('shows the API’s problems next to the fields of a bad brief', async () => {
    await page.getByRole('link', { name: 'New ad' }).click();
    await page.getByLabel('Brief', { exact: true }).fill('too short');
    await page.getByLabel('Duration (seconds)').fill('500');
    await page.getByLabel('Brand colours').fill('#00ff00, green');
    await page.getByRole('button', { name: 'Plan storyboard' }).click();
    await page.getByRole('alert').waitFor();
    const described = async (label: string) =>
      page.getByLabel(label, { exact: true }).evaluate((el) => ({
        invalid: el.getAttribute('aria-invalid'),
        text: (el.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      }));
    expect(await described('Brief')).toEqual({
      invalid: 'true',
      text: expect.stringMatching(/at least 10 characters/),
    });
    expect(await described('Duration (seconds)')).toEqual({ invalid: 'true', text: expect.stringMatching(/120/) });
    expect(await described('Brand colours')).toEqual({
      invalid: 'true',
      text: expect.stringMatching(/item 2: must be a #RRGGBB colour/),
    });
    expect(await page.getByRole('group', { name: 'Scene 1' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'new-ad-problems-desktop');
  });

  it('shows a failed job’s code and reason in plain words', async () => {
    await page.goto(`${stack.baseUrl}/new`);
    await page.getByLabel('Sample').selectOption('minimal');
    await page.getByLabel('Budget (USD)').fill('0.01');
    await page.getByRole('button', { name: 'Render' }).click();
    await page.waitForURL(/\/jobs\/[0-9A-Z]{26}$/);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toMatch(/BUDGET\.EXCEEDED.*cost more than the budget/s);
    expect(await page.getByRole('status').filter({ hasText: 'Status:' }).textContent()).toContain('failed');
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'job-failed-desktop');
    const failedId = page.url().split('/').pop()!;
    expect(
      await phoneShot(`/jobs/${failedId}`, 'job-failed', (p) => p.getByRole('alert').waitFor()),
    ).toBeLessThanOrEqual(0);
  });

  it('shows the major statement on the timeline, and the API’s reason when an edit breaks it', async () => {
    await page.goto(`${stack.baseUrl}/new`);
    await page.getByLabel('Sample').selectOption('allergy-30s');
    await page.getByRole('button', { name: 'Plan storyboard' }).click();
    await page.getByRole('group', { name: 'Scene 1', exact: true }).waitFor();
    const window = (await page.locator('.statement-label').textContent()) ?? '';
    expect(window).toMatch(/^Major statement \d+(\.\d)?–\d+(\.\d)? s$/);
    const span = window.replace('Major statement ', '');

    // The held scenes under it say so on their cards.
    const held = page
      .getByRole('group', { name: /^Scene \d+$/ })
      .filter({ hasText: 'plays during the major statement' });
    expect(await held.count()).toBeGreaterThanOrEqual(1);
    const first = Number((await held.first().locator('legend').textContent())!.replace('Scene ', ''));
    const scene = (n: number) => page.getByRole('group', { name: `Scene ${n}`, exact: true });
    const problemOf = (n: number, label: string) =>
      scene(n)
        .getByLabel(label, { exact: true })
        .evaluate((el) =>
          (el.getAttribute('aria-describedby') ?? '')
            .split(' ')
            .map((id) => document.getElementById(id)?.textContent ?? '')
            .join(' '),
        );

    // One more second for the scene before: the held scenes move, so the statement's first one now cuts inside it.
    const before = scene(first - 1).getByLabel('Duration (seconds)');
    const original = await before.inputValue();
    await before.fill(String(Number(original) + 1));
    await page
      .getByText(/inside the major statement/)
      .first()
      .waitFor();
    expect(await problemOf(first, 'Transition')).toMatch(
      new RegExp(`must be continuous: this scene starts at [\\d.]+ s, inside the major statement \\(${span}\\)`),
    );
    expect(await page.locator('.timeline-scene.broken').count()).toBeGreaterThanOrEqual(1);

    // Rendering it anyway: the API's 400 names the same problem, next to the same field.
    const refused = page.waitForResponse((r) => r.url().endsWith('/v1/jobs') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Render' }).click();
    expect((await refused).status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toMatch(/Please fix the \d+ problems below/);
    expect(await problemOf(first, 'Transition')).toMatch(/inside the major statement/);
    expect(page.url()).toMatch(/\/new$/);

    // Undone, the storyboard is clean again; text over the statement is refused too.
    const clean = () =>
      page.waitForFunction(
        () =>
          !/during the major statement \(|inside the major statement/.test(
            [...document.querySelectorAll('.problem, .rule-problems')].map((e) => e.textContent).join(' '),
          ),
      );
    await before.fill(original);
    await clean();
    await scene(first).getByLabel('On-screen text', { exact: true }).fill('Ask your doctor');
    // the card's fields are numbered from 0: Scene N's on-screen text is scene-(N-1)-text
    await page.waitForFunction(
      (id) => /plays during the major statement/.test(document.getElementById(id)?.textContent ?? ''),
      `scene-${first - 1}-text-problem`,
    );
    expect(await problemOf(first, 'On-screen text')).toMatch(
      new RegExp(`must be empty: this scene \\([\\d.]+ s–[\\d.]+ s\\) plays during the major statement \\(${span}\\)`),
    );
    await scene(first).getByLabel('On-screen text', { exact: true }).fill('');
    await clean();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'storyboard-statement-desktop');
  });

  it('cancels a running job with one button', async () => {
    await page.goto(`${stack.baseUrl}/new`);
    await page.getByLabel('Sample').selectOption('allergy-30s');
    await page.getByRole('button', { name: 'Render' }).click();
    await page.waitForURL(/\/jobs\/[0-9A-Z]{26}$/);
    await tabTo(page, page.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'cancelled' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it('says "not found" for another tenant’s job and never shows it', async () => {
    const other = await new Client(stack.baseUrl, KEY_B).submit({
      brief: 'Tenant B private launch of a secret granola bar.',
      durationSec: 6,
    });
    expect(other.status).toBe(202);
    await page.goto(`${stack.baseUrl}/jobs/${other.body.id}`);
    await page.getByRole('heading', { name: 'Job not found' }).waitFor();
    expect(await page.locator('main').textContent()).toMatch(/not found/);
    expect(await page.locator('main').textContent()).not.toMatch(/granola/);
    await page.goto(`${stack.baseUrl}/library`);
    await page.getByRole('link', { name: new RegExp(jobId) }).waitFor();
    expect(await page.getByRole('link', { name: new RegExp(other.body.id) }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/granola/);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('ran without a CSP refusal or a script error', () => {
    expect(pageProblems).toEqual([]);
  });
});
