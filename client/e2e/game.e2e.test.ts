/**
 * A whole workshop in a real browser: a facilitator sets up a room, four players join from their
 * own browsers, the host screen is on a 1280×720 "projector", and they play three rounds to the
 * final scores. On the way: a player reloads mid-round and keeps seat and choices, the screens
 * pass axe, the host's text is at least 24 px, and the host board stops drawing when idle.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPerson, type Person, screenshot, seriousViolations, useBrowserAndServer } from "./browser";

const env = useBrowserAndServer();

async function hostPhase(page: Page, phase: string): Promise<void> {
  await page.waitForFunction((wanted) => window.boxlessBoard?.phase() === wanted, phase, { timeout: 10_000 });
}

/** Choose the first card that can still be chosen; returns its title, or null when none can be. */
async function chooseACard(page: Page): Promise<string | null> {
  const button = page.locator(".card button[aria-pressed=false]:not([disabled])").first();
  if ((await button.count()) === 0) return null;
  const titleId = await button.getAttribute("aria-describedby");
  const title = await page.locator(`#${titleId}`).textContent();
  await button.click();
  await page.locator(`.card[aria-labelledby="${titleId}"] button[aria-pressed=true]`).waitFor();
  return title;
}

describe("a three-round workshop", () => {
  it("is set up, played to the final scores, and survives a reload", async () => {
    // ─── the facilitator sets up the room ────────────────────────────────────
    const facilitator = await openPerson(env.browser, `${env.server.url}/`);
    const f = facilitator.page;
    await screenshot(f, "landing");
    expect(await seriousViolations(f)).toEqual([]);
    await f.getByRole("button", { name: "Set up a game" }).click();
    await f.getByLabel("Rounds").fill("3");
    await f.getByLabel("Round timer").selectOption({ label: "No timer: I reveal each round" });
    await f.getByLabel("Players per team").fill("4");
    await f.getByLabel("Bots fill empty roles").uncheck();
    await f.getByRole("button", { name: "Create the room" }).click();
    await f.getByRole("heading", { name: "Players join with" }).waitFor();
    const code = (await f.locator(".room-code").textContent())?.trim() ?? "";
    expect(code).toMatch(/^[A-Z0-9]{5}$/);
    // The secret is in storage, not in the address bar.
    expect(f.url()).toBe(`${env.server.url}/facilitate/${code}`);
    expect(await f.evaluate((c) => localStorage.getItem(`boxless:facilitator:${c}`), code)).toMatch(/.{16,}/);
    expect(await f.locator(".qr svg").count()).toBe(1);

    // ─── the host screen on the projector ────────────────────────────────────
    const host = await openPerson(env.browser, `${env.server.url}/host/${code}`, {
      width: 1280,
      height: 720,
    });
    const hp = host.page;
    await hostPhase(hp, "lobby");

    // ─── four players join from their own browsers ───────────────────────────
    const names = ["Ana", "Bo", "Chidi", "Dee"];
    const players: Person[] = [];
    for (const name of names) {
      const person = await openPerson(env.browser, `${env.server.url}/join/${code}`, {
        width: 800,
        height: 900,
      });
      await person.page.getByLabel("Your name").fill(name);
      await person.page.getByRole("button", { name: "Join" }).click();
      await person.page.getByRole("heading", { name: `You're in, ${name}!` }).waitFor();
      players.push(person);
    }
    await f.getByRole("button", { name: "Start the game with 4" }).waitFor();
    for (const name of names) expect(await f.locator(".seat-name", { hasText: name }).count()).toBe(1);
    await screenshot(f, "facilitator-lobby");
    await screenshot(hp, "host-lobby");
    expect(await seriousViolations(f)).toEqual([]);
    expect(await seriousViolations(hp)).toEqual([]);

    await f.getByRole("button", { name: "Start the game with 4" }).click();

    for (let round = 1; round <= 3; round++) {
      // Where Community reports, when the team is asked (before round 1, at the mid-game review).
      const pages = players.map((p) => p.page);
      await pages[0]?.locator("h2", { hasText: /Your hand|where does Community report/ }).waitFor();
      const report = pages[0]?.getByRole("button", { name: "With Product" });
      if (report && (await report.count()) > 0) await report.click();
      for (const page of pages) await page.getByRole("heading", { name: "Your hand" }).waitFor();
      await hostPhase(hp, "planning");

      // Everyone chooses a card; the first three lock in.
      const chosen: (string | null)[] = [];
      for (const page of pages) chosen.push(await chooseACard(page));
      expect(chosen.filter(Boolean).length).toBeGreaterThanOrEqual(3);
      for (const page of pages.slice(0, 3)) {
        await page.getByRole("button", { name: "Lock in" }).click();
        await page.getByRole("button", { name: "Unlock" }).waitFor();
      }

      if (round === 2) {
        // Dee reloads mid-round: same seat, same choice.
        const dee = pages[3] as Page;
        await dee.reload();
        await dee.getByRole("heading", { name: "Dee", exact: true }).waitFor();
        await dee.getByRole("heading", { name: "Your hand" }).waitFor();
        const kept = dee.locator(".card button[aria-pressed=true]");
        expect(await kept.count()).toBe(1);
        const titleId = await kept.first().getAttribute("aria-describedby");
        expect(await dee.locator(`#${titleId}`).textContent()).toBe(chosen[3]);
      }

      if (round === 1) {
        // Mid-round: the host shows who has locked in, never what they chose.
        await hp.waitForTimeout(400);
        await screenshot(hp, "host-planning");
        const texts = await hp.evaluate(() => window.boxlessBoard?.texts() ?? []);
        const shown = texts.map((t) => t.text).join("\n");
        for (const title of chosen) if (title) expect(shown).not.toContain(title);
        expect(texts.length).toBeGreaterThan(5);
        const small = texts.filter((t) => t.px < 24);
        expect(small).toEqual([]);
        await screenshot(pages[0] as Page, "player-planning");
        expect(await seriousViolations(pages[0] as Page)).toEqual([]);
        // Locked in: every card but the chosen one is greyed out, and why is said once (at the
        // bottom), not on each card (a card's problem leaves out what stops the whole seat).
        const locked = pages[0] as Page;
        expect(await locked.locator(".card:not(.selected)").count()).toBeGreaterThan(0);
        expect(await locked.locator(".card:not(.selected):not(.unavailable)").count()).toBe(0);
        expect(await locked.locator(".card .card-note", { hasText: /energy and you have/ }).count()).toBe(0);
        expect(await locked.getByText("Locked in. Waiting for the others…").count()).toBe(1);
        // Nothing moves on the host now: Phaser stops drawing (no timer in this room).
        await hp.waitForTimeout(1500);
        const before = await hp.evaluate(() => window.boxlessBoard?.frames() ?? 0);
        await hp.waitForTimeout(2000);
        const after = await hp.evaluate(() => window.boxlessBoard?.frames() ?? 0);
        expect(after - before).toBeLessThanOrEqual(3);
      }

      await pages[3]?.getByRole("button", { name: "Lock in" }).click();
      await hostPhase(hp, "revealed");
      for (const page of pages)
        await page.getByRole("heading", { name: new RegExp(`Round ${round}: .* scored \\d+`) }).waitFor();
      if (round === 1) {
        await hp.waitForTimeout(2500); // the bars finish filling
        await screenshot(hp, "host-reveal");
        // On a 1920×1080 projector the same board is scaled up: nothing under 36 px.
        await hp.setViewportSize({ width: 1920, height: 1080 });
        const smallest = async () => {
          const px = (await hp.evaluate(() => window.boxlessBoard?.texts() ?? [])).map((t) => t.px);
          return px.length > 0 ? Math.min(...px) : 0;
        };
        await expect.poll(smallest).toBeGreaterThanOrEqual(36);
        await screenshot(hp, "host-reveal-1080");
        await hp.setViewportSize({ width: 1280, height: 720 });
        await screenshot(pages[0] as Page, "player-reveal");
        expect(await seriousViolations(hp)).toEqual([]);
      }
      await f.getByRole("button", { name: round === 3 ? "Show the final scores" : "Next round" }).click();
    }

    // ─── the end ─────────────────────────────────────────────────────────────
    await hostPhase(hp, "finished");
    for (const { page } of players) await page.getByRole("heading", { name: "Final scores" }).waitFor();
    await f.getByRole("heading", { name: "Game over" }).waitFor();
    // Every player sees their team's final score, the same as on the facilitator's leaderboard.
    const finalRow =
      (await players[0]?.page.locator("ol li", { hasText: "(your team)" }).textContent()) ?? "";
    const [, team, score] = /^(.*) \(your team\): (\d+)$/.exec(finalRow) ?? [];
    expect(team).toBeTruthy();
    const row = f.locator("tbody tr", { hasText: team as string });
    expect(await row.locator("td").nth(1).textContent()).toBe(score);
    await hp.waitForTimeout(1500);
    await screenshot(hp, "host-final");
    await screenshot(f, "facilitator-final");
  }, 120_000);
});
