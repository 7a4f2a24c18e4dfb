/**
 * Joining in a real browser: a wrong room code and a taken name are said in place, a join link
 * fills the code in, and a player on a 360×640 phone plays a round by touch.
 */
import { describe, expect, it } from "vitest";
import { openPerson, screenshot, seriousViolations, startAppServer, useBrowserAndServer } from "./browser";

const env = useBrowserAndServer();

/** A valid-looking code that is not `code`. */
function otherCode(code: string): string {
  return code === "K7QXP" ? "K7QXR" : "K7QXP";
}

describe("the landing page", () => {
  it("says in place that a room code does not exist, and changes nothing", async () => {
    const room = await env.server.createRoom();
    const wrong = otherCode(room.code);
    const { page, context } = await openPerson(env.browser, `${env.server.url}/`);
    await page.getByLabel("Room code").fill(wrong.toLowerCase());
    await page.getByLabel("Your name").fill("Ana");
    await page.getByRole("button", { name: "Join" }).click();
    const error = page.locator("#join-code-error");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toBe(`No room with code ${wrong}.`);
    expect(await page.getByLabel("Room code").getAttribute("aria-invalid")).toBe("true");
    expect(new URL(page.url()).pathname).toBe("/");
    // The name is kept; nothing else happened.
    expect(await page.getByLabel("Your name").inputValue()).toBe("Ana");
    await screenshot(page, "landing-wrong-code");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("fills the code in from a join link and says in place that a name is taken", async () => {
    const room = await env.server.createRoom();
    const first = env.server.client();
    expect((await first.join(room.code, "Ana")).ok).toBe(true);

    const { page, context } = await openPerson(
      env.browser,
      `${env.server.url}/join/${room.code.toLowerCase()}`,
    );
    expect(await page.getByLabel("Room code").inputValue()).toBe(room.code);
    await page.getByLabel("Your name").fill("  ana ");
    await page.getByRole("button", { name: "Join" }).click();
    const error = page.locator("#join-name-error");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toContain('Someone here is already called "ana"');
    expect(await page.getByLabel("Your name").getAttribute("aria-invalid")).toBe("true");

    // Another name gets in, and the page shows the seat.
    await page.getByLabel("Your name").fill("Bo");
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByRole("heading", { name: "You're in, Bo!" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/play/${room.code}`);
    await context.close();
  });
});

describe("a player on a 360×640 phone", () => {
  it("plays a round by touch", async () => {
    const room = await env.server.createRoom({ settings: { rounds: 2, timerSeconds: null, teamSize: 4 } });
    const facilitator = env.server.client();
    expect((await facilitator.facilitate(room.code, room.facilitatorToken)).ok).toBe(true);

    const { page, context } = await openPerson(env.browser, `${env.server.url}/join/${room.code}`, {
      width: 360,
      height: 640,
      touch: true,
    });
    await page.getByLabel("Your name").tap();
    await page.getByLabel("Your name").fill("Chidi");
    await page.getByRole("button", { name: "Join" }).tap();
    await page.getByRole("heading", { name: "You're in, Chidi!" }).waitFor();
    await screenshot(page, "phone-lobby");
    expect((await facilitator.control("game:start")).ok).toBe(true);

    // Before round 1 the team decides where Community reports.
    await page.getByRole("button", { name: "With Marketing" }).tap();
    await page.getByRole("heading", { name: "Your hand" }).waitFor();
    expect(await page.locator(".role-line").count()).toBeGreaterThan(0);

    // Choose the first card that can be chosen, by touch.
    const choose = page.locator(".card button[aria-pressed=false]:not([disabled])").first();
    const title = await choose.getAttribute("aria-describedby");
    await choose.tap();
    const chosen = page.locator(`.card[aria-labelledby="${title}"] button[aria-pressed=true]`);
    await chosen.waitFor();
    expect(await chosen.textContent()).toContain("Chosen");
    const energy = await page.locator(".energy").textContent();
    expect(energy).toMatch(/Energy \d+ of \d+ left/);
    await screenshot(page, "phone-planning", true);
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page)).toEqual([]);

    // Lock in: the bots on the team are locked already, so the round is revealed.
    await page.getByRole("button", { name: "Lock in" }).tap();
    await page.getByRole("heading", { name: /Round 1: .* scored \d+/ }).waitFor();
    expect(await page.getByText("Your contribution").count()).toBe(1);
    const contribution = page.locator("h3:has-text('Your contribution') + ul li");
    expect(await contribution.first().textContent()).toContain("Chidi");
    await screenshot(page, "phone-reveal", true);
    await context.close();
  });
});

describe("a player whose connection drops", () => {
  it("sees Reconnecting… and comes back to the same seat and choices by itself", async () => {
    const first = await startAppServer();
    const room = await first.createRoom({ settings: { rounds: 2, timerSeconds: null, teamSize: 4 } });
    const facilitator = first.client();
    expect((await facilitator.facilitate(room.code, room.facilitatorToken)).ok).toBe(true);
    const { page, context } = await openPerson(env.browser, `${first.url}/join/${room.code}`, {
      width: 400,
      height: 800,
    });
    await page.getByLabel("Your name").fill("Eve");
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByRole("heading", { name: "You're in, Eve!" }).waitFor();
    expect((await facilitator.control("game:start")).ok).toBe(true);
    await page.getByRole("button", { name: "With Product" }).click();
    await page.getByRole("heading", { name: "Your hand" }).waitFor();
    const choose = page.locator(".card button[aria-pressed=false]:not([disabled])").first();
    const titleId = await choose.getAttribute("aria-describedby");
    await choose.click();
    await page.locator(`.card[aria-labelledby="${titleId}"] button[aria-pressed=true]`).waitFor();

    // The server goes away (a restart, a dead Wi-Fi): the page says so and keeps trying.
    facilitator.close();
    await first.server.close();
    const banner = page.getByRole("status").filter({ hasText: "Reconnecting…" });
    await banner.waitFor();
    await screenshot(page, "player-reconnecting");

    // It comes back on the same address with the same data: same seat, same choice, no reload.
    const second = await startAppServer({ dbFile: first.dbFile, port: first.port });
    try {
      await banner.waitFor({ state: "hidden", timeout: 10_000 });
      expect(await page.getByRole("heading", { name: "Eve", exact: true }).count()).toBe(1);
      const chosen = page.locator(`.card[aria-labelledby="${titleId}"] button[aria-pressed=true]`);
      await chosen.waitFor();
      expect(await page.locator(".card button[aria-pressed=true]").count()).toBe(1);
      // And it plays on: locking in (the bots follow) reveals the round.
      await page.getByRole("button", { name: "Lock in" }).click();
      await page.getByRole("heading", { name: /Round 1: .* scored \d+/ }).waitFor();
    } finally {
      await context.close();
      await second.close();
    }
  });
});
