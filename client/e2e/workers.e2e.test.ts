/**
 * The pages against a server of two processes (`WORKERS=2`, started as `npm start` starts it): in
 * a room held by each process a player joins from the join link, plays a card, and comes back to
 * the same seat and choice after a reload, while the host screen follows.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_DIST } from "../../scripts/build-if-needed";
import { shardOf } from "../../server/src/cluster/shards";
import { type ChildServer, freePort, startChildServer } from "../../server/src/testing/child-server";
import { createRoomAt, ok } from "../../server/src/testing/harness";
import { GameConnection } from "../src/net/connection";
import { buildClientOnce, launchBrowser, openPerson, screenshot } from "./browser";

let browser: Browser;
let server: ChildServer;
beforeAll(async () => {
  buildClientOnce();
  browser = await launchBrowser();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boxless-workers-e2e-"));
  server = await startChildServer(dataDir, await freePort(), { WORKERS: "2", CLIENT_DIR: CLIENT_DIST });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.kill("SIGTERM");
});

describe("the pages, with the server as two processes", () => {
  it("join, play, reload and watch in a room held by each process", async () => {
    const settings = { settings: { rounds: 2, timerSeconds: null, teamSize: 4, fillWithBots: true } };
    const rooms = [];
    for (let i = 0; i < 6; i++) rooms.push(await createRoomAt(server.url, settings));
    for (const shard of [0, 1]) {
      const room = rooms.find((r) => shardOf(r.code, 2) === shard);
      if (!room) throw new Error(`no room in process ${shard + 1} of six`);
      const facilitator = new GameConnection(server.url, { room: room.code, socket: { forceNew: true } });
      ok(await facilitator.facilitate(room.code, room.facilitatorToken));
      const host = await openPerson(browser, `${server.url}/host/${room.code}`);
      const { page, context } = await openPerson(browser, `${server.url}/join/${room.code}`, {
        width: 400,
        height: 800,
      });
      await page.getByLabel("Your name").fill(`Eve ${shard + 1}`);
      await page.getByRole("button", { name: "Join" }).click();
      await page.getByRole("heading", { name: `You're in, Eve ${shard + 1}!` }).waitFor();
      ok(await facilitator.control("game:start"));
      await page.getByRole("button", { name: "With Product" }).click();
      await page.getByRole("heading", { name: "Your hand" }).waitFor();
      const choose = page.locator(".card button[aria-pressed=false]:not([disabled])").first();
      const titleId = await choose.getAttribute("aria-describedby");
      await choose.click();
      const chosen = page.locator(`.card[aria-labelledby="${titleId}"] button[aria-pressed=true]`);
      await chosen.waitFor();
      // A reload is a new socket: it names the room, reaches its process, and rejoins the seat.
      await page.reload();
      await page.getByRole("heading", { name: "Your hand" }).waitFor();
      await chosen.waitFor();
      // The host screen (its own socket, routed the same way) follows the game on its board.
      await host.page.waitForFunction(() => window.boxlessBoard?.phase() === "planning", undefined, {
        timeout: 10_000,
      });
      expect(await host.page.locator(".visually-hidden[aria-live=polite]").textContent()).toMatch(
        /Round 1 of 2/,
      );
      await screenshot(page, `workers-player-process-${shard + 1}`);
      await screenshot(host.page, `workers-host-process-${shard + 1}`);
      facilitator.close();
      await context.close();
      await host.context.close();
    }
  }, 60_000);
});
