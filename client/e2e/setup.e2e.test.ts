/**
 * The facilitator's set-up in a real browser: a deck file with problems is refused with each
 * problem's JSON path and sentence (and no room is created); a valid one creates the room, and its
 * settings show in the lobby. During play the facilitator pauses and resumes, and players see it.
 */
import { builtinDeck } from "@boxless/shared";
import { describe, expect, it } from "vitest";
import { openPerson, screenshot, useBrowserAndServer } from "./browser";

const env = useBrowserAndServer();

async function roomCount(): Promise<number> {
  const health = (await (await fetch(`${env.server.url}/healthz`)).json()) as { rooms: number };
  return health.rooms;
}

describe("setting up with a deck file", () => {
  it("lists a bad deck's problems by JSON path, creates nothing, then accepts the fixed file", async () => {
    const { page, context } = await openPerson(env.browser, `${env.server.url}/`);
    await page.getByRole("button", { name: "Set up a game" }).click();

    const bad = structuredClone(builtinDeck) as unknown as {
      name: string;
      scenarios: { demands: { outbound: unknown } }[];
      actions: { cost: unknown }[];
    };
    (bad.scenarios[1] as { demands: { outbound: unknown } }).demands.outbound = -3;
    (bad.actions[0] as { cost: unknown }).cost = "two";
    const before = await roomCount();

    await page.getByLabel("My own deck file").check();
    await page.getByLabel("Deck file", { exact: true }).setInputFiles({
      name: "our-deck.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    const problems = page.locator("#deck-status .problems li");
    await problems.first().waitFor();
    const lines = await problems.allTextContents();
    expect(lines).toContain("$.scenarios[1].demands.outbound points cannot be negative");
    expect(lines.some((l) => l.startsWith("$.actions[0].cost") && l.includes('"two"'))).toBe(true);
    await screenshot(page, "setup-deck-problems");

    // Creating with the bad file is refused in place; nothing is created.
    await page.getByRole("button", { name: "Create the room" }).click();
    await page.getByText("Choose a valid deck file, or the built-in deck.").waitFor();
    expect(await roomCount()).toBe(before);

    // Not JSON at all.
    await page.getByLabel("Deck file", { exact: true }).setInputFiles({
      name: "notes.json",
      mimeType: "application/json",
      buffer: Buffer.from("{ scenarios: oops"),
    });
    await page.getByText("This file is not JSON.").waitFor();

    // The fixed file is accepted and used.
    const good = { ...structuredClone(builtinDeck), name: "Acme onboarding" };
    await page.getByLabel("Deck file", { exact: true }).setInputFiles({
      name: "acme.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(good)),
    });
    await page.getByText(/^Deck ready:/).waitFor();
    await page.getByLabel("Rounds").fill("2");
    await page.getByLabel("Round timer").selectOption({ label: "1 minute" });
    await page.getByRole("button", { name: "Create the room" }).click();
    await page.getByRole("heading", { name: "Players join with" }).waitFor();
    expect(await page.locator("header.brand p").textContent()).toContain("Acme onboarding");
    expect(await page.getByText("2 rounds · 1:00 · teams of 4").count()).toBe(1);
    expect(await roomCount()).toBe(before + 1);
    await context.close();
  });

  it("pauses and resumes a running round; the timer freezes and players are told", async () => {
    const room = await env.server.createRoom({ settings: { rounds: 2, timerSeconds: 60, teamSize: 4 } });
    const facilitator = await openPerson(
      env.browser,
      `${env.server.url}/facilitate/${room.code}#${room.facilitatorToken}`,
    );
    const f = facilitator.page;
    await f.getByRole("heading", { name: "Players join with" }).waitFor();
    // The secret left the address bar at once.
    expect(f.url()).toBe(`${env.server.url}/facilitate/${room.code}`);

    const player = await openPerson(env.browser, `${env.server.url}/join/${room.code}`, {
      width: 400,
      height: 800,
    });
    await player.page.getByLabel("Your name").fill("Fay");
    await player.page.getByRole("button", { name: "Join" }).click();
    await f.getByRole("button", { name: "Start the game with 1" }).click();
    await player.page.getByRole("button", { name: "With Product" }).click();
    await player.page.getByRole("heading", { name: "Your hand" }).waitFor();

    const timer = f.getByRole("timer");
    await expect.poll(() => timer.textContent()).toMatch(/^Round timer: [01]:\d\d$/);
    await f.getByRole("button", { name: "Pause" }).click();
    await f.getByRole("button", { name: "Resume" }).waitFor();
    await player.page.getByText("The facilitator has paused the game.").waitFor();
    await expect.poll(() => player.page.getByRole("timer").textContent()).toMatch(/\(paused\)$/);
    const frozen = await timer.textContent();
    await f.waitForTimeout(1500);
    expect(await timer.textContent()).toBe(frozen);
    await screenshot(f, "facilitator-paused");

    await f.getByRole("button", { name: "Resume" }).click();
    await f.getByRole("button", { name: "Pause" }).waitFor();
    await player.page.getByText("The facilitator has paused the game.").waitFor({ state: "hidden" });
    await f.getByRole("button", { name: "Reveal now" }).click();
    await player.page.getByRole("heading", { name: /Round 1: .* scored \d+/ }).waitFor();
    await facilitator.context.close();
    await player.context.close();
  });
});

describe("the facilitator's lobby", () => {
  it("reassigns roles, moves a player to another team and removes one, and the players see it", async () => {
    const room = await env.server.createRoom({
      settings: { teamSize: 2, fillWithBots: false, timerSeconds: null },
    });
    const players = ["Gus", "Hana", "Ivo"].map(() => env.server.client());
    for (const [i, name] of ["Gus", "Hana", "Ivo"].entries())
      expect((await players[i]?.join(room.code, name))?.ok).toBe(true);
    const [gus, hana, ivo] = players as [(typeof players)[0], (typeof players)[0], (typeof players)[0]];
    const facilitator = await openPerson(
      env.browser,
      `${env.server.url}/facilitate/${room.code}#${room.facilitatorToken}`,
    );
    const f = facilitator.page;
    await f.getByRole("button", { name: "Start the game with 3" }).waitFor();

    // Reassign: Gus also wears the CM hat.
    const gusRoles = f.getByRole("group", { name: "Roles of Gus" });
    await gusRoles.getByLabel("CM").check();
    await expect.poll(() => gus.view?.me?.roles.includes("cm")).toBe(true);
    // Taking off every hat is refused with the reason, and the last one stays on.
    for (const role of ["PM", "PMM", "CM", "Support"]) {
      const box = gusRoles.getByLabel(role, { exact: true });
      if (await box.isChecked()) await box.uncheck({ force: true }).catch(() => undefined);
    }
    await f.getByRole("alert").filter({ hasText: "a seat needs at least one role" }).waitFor();
    expect((gus.view?.me?.roles ?? []).length).toBeGreaterThan(0);
    await expect.poll(() => gusRoles.locator("input:checked").count()).toBe(gus.view?.me?.roles.length);

    // Move: Hana goes to Ivo's team.
    const ivoTeam = ivo.view?.me?.teamId as string;
    const ivoTeamName = ivo.view?.game.teams.find((t) => t.id === ivoTeam)?.name as string;
    await f.getByLabel("Team of Hana").selectOption({ label: ivoTeamName });
    await expect.poll(() => hana.view?.me?.teamId).toBe(ivoTeam);

    // Remove: Ivo's seat goes, and his screen says so.
    await f.getByRole("button", { name: "Remove Ivo" }).click();
    await expect.poll(() => ivo.status).toBe("ended");
    await f.getByRole("button", { name: "Start the game with 2" }).waitFor();
    expect(await f.locator(".seat-name", { hasText: "Ivo" }).count()).toBe(0);
    await screenshot(f, "facilitator-lobby-edited");
    await facilitator.context.close();
  });
});
