/**
 * For the end-to-end tests: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), against a real server on port 0 that serves the built client (client/dist) with a real
 * SQLite file. Screenshots go to client/e2e/screenshots/ (ignored by git) to be looked at.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { buildClientIfNeeded } from "../../scripts/build-if-needed";
import { startServer, type TestServer } from "../../server/src/testing/harness";

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = path.join(here, "screenshots");
const CLIENT_DIST = path.resolve(here, "../dist");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

/**
 * Builds client/dist when its sources changed. Test files run in parallel processes, so the first
 * one builds while the others wait on a lock folder, then find it up to date.
 */
export function buildClientOnce(): void {
  const lock = path.join(
    os.tmpdir(),
    `boxless-client-build-${path.basename(path.resolve(here, "../.."))}.lock`,
  );
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(wait, 0, 0, 250);
    }
  }
  try {
    if (!buildClientIfNeeded()) throw new Error("the client build failed (see above)");
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A real server serving the built client (built first if needed). */
export function startAppServer(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  buildClientOnce();
  return startServer({ ...options, config: { clientDir: CLIENT_DIST, ...options.config } });
}

export interface Person {
  context: BrowserContext;
  page: Page;
}

/** One person's browser: its own context, so its own storage (tokens), like a separate device. */
export async function openPerson(
  browser: Browser,
  url: string,
  options: { width?: number; height?: number; touch?: boolean } = {},
): Promise<Person> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    hasTouch: options.touch ?? false,
    isMobile: options.touch ?? false,
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[page error] ${error.message}`));
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(url);
  return { context, page };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run: (context: Document) => Promise<unknown> } }).axe.run;
    return (await run(document)) as {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    };
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")),
    }));
}

/** One browser and one app server for a test file: started before its tests, stopped after. */
export function useBrowserAndServer(): { browser: Browser; server: TestServer } {
  const env = {} as { browser: Browser; server: TestServer };
  beforeAll(async () => {
    [env.browser, env.server] = await Promise.all([launchBrowser(), startAppServer()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
