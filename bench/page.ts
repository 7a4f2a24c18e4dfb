/**
 * Page bench: `npm run bench -- page [--runs N]`. Builds the client if needed, starts the real
 * server (serving client/dist, 127.0.0.1), and in Debian's Chromium measures:
 *
 *   - what each screen downloads, gzipped (every file the browser fetched, compressed with gzip -9
 *     as a server or CDN would): the landing and join page, and everything a player has fetched
 *     by the time round 1 is on screen (join, lobby, the game engine loaded behind the lobby);
 *   - how long the host screen takes to be interactive: from navigation start to the board drawn
 *     from the first view (median and worst of N cold loads, each in a fresh browser context).
 *
 * The budgets it compares with: landing/join ≤ 60 KB gzipped, everything before round 1 ≤ 450 KB
 * gzipped, host interactive ≤ 1.5 s.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Page } from "playwright-core";
import { launchBrowser, openPerson } from "../client/e2e/browser";
import { buildClientIfNeeded, CLIENT_DIST } from "../scripts/build-if-needed";
import { startServer } from "../server/src/testing/harness";

const KB = 1024;

function gzipSize(file: string): number {
  return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
}

/** Records every file the page fetches from the server's static folder. */
function recordFiles(page: Page, origin: string): Set<string> {
  const files = new Set<string>();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin || url.pathname.startsWith("/socket.io") || url.pathname.startsWith("/api"))
      return;
    const file = path.join(
      CLIENT_DIST,
      url.pathname === "/" || !path.extname(url.pathname) ? "index.html" : url.pathname,
    );
    if (fs.existsSync(file)) files.add(file);
  });
  return files;
}

function describeFiles(files: Iterable<string>): { total: number; lines: string[] } {
  const rows = [...files].map((file) => ({ file: path.relative(CLIENT_DIST, file), gz: gzipSize(file) }));
  rows.sort((a, b) => b.gz - a.gz);
  const total = rows.reduce((sum, r) => sum + r.gz, 0);
  return { total, lines: rows.map((r) => `    ${(r.gz / KB).toFixed(1).padStart(7)} KB  ${r.file}`) };
}

function verdict(ok: boolean): string {
  return ok ? "within budget" : "OVER BUDGET";
}

export async function runPageBench(options: readonly string[]): Promise<void> {
  const runsFlag = options.indexOf("--runs");
  const runs = runsFlag >= 0 ? Math.max(1, Number(options[runsFlag + 1]) || 5) : 5;
  if (!buildClientIfNeeded()) throw new Error("the client build failed");
  const server = await startServer({ config: { clientDir: CLIENT_DIST } });
  const browser = await launchBrowser();
  try {
    const origin = server.url;

    // ─── landing and join ──────────────────────────────────────────────────
    const room = await server.createRoom({ settings: { timerSeconds: null, teamSize: 4 } });
    const facilitator = server.client();
    await facilitator.facilitate(room.code, room.facilitatorToken);
    const landing = await openPerson(browser, "about:blank", { width: 360, height: 640, touch: true });
    const landingFiles = recordFiles(landing.page, origin);
    await landing.page.goto(`${origin}/join/${room.code}`);
    await landing.page.getByLabel("Your name").waitFor();
    await landing.page.waitForLoadState("networkidle");
    const landingReport = describeFiles([...landingFiles]);
    const phaserOnLanding = [...landingFiles].some((f) => fs.readFileSync(f, "utf8").includes("Phaser v4"));

    // ─── a player up to round 1 ────────────────────────────────────────────
    // The recorder goes on: from here it adds what joining and the lobby fetch.
    await landing.page.getByLabel("Your name").fill("Ana");
    await landing.page.getByRole("button", { name: "Join" }).tap();
    await landing.page.getByRole("heading", { name: "You're in, Ana!" }).waitFor();
    await facilitator.control("game:start");
    await landing.page.getByRole("button", { name: "With Product" }).tap();
    await landing.page.getByRole("heading", { name: "Your hand" }).waitFor();
    await landing.page.waitForFunction(() => window.boxlessBoard?.phase() === "planning", null, {
      timeout: 15_000,
    });
    await landing.page.waitForLoadState("networkidle");
    const playerReport = describeFiles(landingFiles);
    await landing.context.close();

    // ─── host screen: navigation → board drawn ─────────────────────────────
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const host = await openPerson(browser, "about:blank", { width: 1280, height: 720 });
      await host.page.goto(`${origin}/host/${room.code}`);
      await host.page.waitForFunction(() => window.boxlessBoard?.phase() != null, null, { timeout: 15_000 });
      times.push(await host.page.evaluate(() => performance.now()));
      await host.context.close();
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const worst = times.at(-1) ?? 0;

    console.log("Landing and join page (what a phone fetches before it can join), gzipped:");
    console.log(landingReport.lines.join("\n"));
    console.log(
      `  total ${(landingReport.total / KB).toFixed(1)} KB (budget 60 KB): ${verdict(landingReport.total <= 60 * KB)}; Phaser loaded: ${phaserOnLanding ? "YES" : "no"}`,
    );
    console.log("");
    console.log("Everything a player has fetched when round 1 is on screen, gzipped:");
    console.log(playerReport.lines.join("\n"));
    console.log(
      `  total ${(playerReport.total / KB).toFixed(1)} KB (budget 450 KB): ${verdict(playerReport.total <= 450 * KB)}`,
    );
    console.log("");
    console.log(
      `Host screen interactive (navigation start → board drawn from the first view), ${runs} cold loads:`,
    );
    console.log(
      `  median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms (budget 1500 ms): ${verdict(worst <= 1500)}`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}
