/**
 * The round timer and the automatic next round, on a clock the test moves: the timer reveals the
 * round (chosen but unlocked cards count), pausing freezes it, and expiries are logged commands.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "./clock";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards } from "./testing/play";
import { openTable, startPlanning } from "./testing/setup";

let t: TestServer;
afterEach(async () => t?.close());
const limits = { eventsPerSecond: 1000, eventBurst: 1000, floodDisconnectAfter: 1000 };

describe("the round timer", () => {
  it("reveals the round when it runs out, counting chosen but unlocked cards", async () => {
    const clock = new ManualClock();
    t = await startServer({ clock, config: { limits } });
    const table = await openTable(t, 4, { timerSeconds: 30 });
    await startPlanning(table);
    const timer = table.host.view?.room.timer;
    expect(timer).toMatchObject({ kind: "round", round: 1, durationMs: 30_000, leftMs: 30_000 });
    expect(timer?.endsAt).toBe(clock.now() + 30_000);

    const player = table.players[0]!;
    const [cardId] = affordableCards(player, 1);
    ok(await player.play("card:select", { cardId: cardId! }));
    clock.advance(29_999);
    const room = t.server.rooms.all()[0]!;
    await room.idle();
    expect(room.game.phase).toBe("planning");
    clock.advance(1);
    await waitFor(() => table.host.view?.game.phase === "revealed", "the timer's reveal");
    const plays = table.host.view?.game.teams[0]?.roundScores[0]?.plays ?? [];
    expect(plays).toContainEqual(expect.objectContaining({ seatId: player.seatId, cardId }));
    const log = await t.store.entries(table.code);
    expect(log.at(-1)).toMatchObject({ actor: "timer", command: { type: "round:timerExpired", round: 1 } });
  });

  it("freezes while the game is paused and runs on after resume", async () => {
    const clock = new ManualClock();
    t = await startServer({ clock, config: { limits } });
    const table = await openTable(t, 2, { timerSeconds: 30 });
    await startPlanning(table);
    clock.advance(10_000);
    ok(await table.facilitator.control("game:pause"));
    await waitFor(() => table.host.view?.room.timer?.endsAt === null, "the frozen timer");
    expect(table.host.view?.room.timer?.leftMs).toBe(20_000);
    expect(table.host.view?.game.paused).toBe(true);
    clock.advance(120_000);
    const room = t.server.rooms.all()[0]!;
    await room.idle();
    expect(room.game.phase).toBe("planning");
    ok(await table.facilitator.control("game:resume"));
    await waitFor(() => table.host.view?.room.timer?.endsAt, "the running timer");
    expect(table.host.view?.room.timer?.endsAt).toBe(clock.now() + 20_000);
    clock.advance(20_000);
    await waitFor(() => table.host.view?.game.phase === "revealed", "the reveal after resuming");
  });

  it("starts the next round by itself after a reveal when asked to", async () => {
    const clock = new ManualClock();
    t = await startServer({ clock, config: { limits } });
    const table = await openTable(t, 2, { timerSeconds: null, autoAdvanceSeconds: 10, rounds: 2 });
    await startPlanning(table);
    for (const player of table.players) ok(await player.play("seat:lockIn"));
    await waitFor(() => table.host.view?.room.timer?.kind === "advance", "the countdown to the next round");
    clock.advance(10_000);
    await waitFor(
      () => table.host.view?.game.round === 2 && table.host.view.game.phase === "planning",
      "round 2",
    );
    expect(table.host.view?.room.timer).toBeNull();
  });

  it("waits for the facilitator when there is no timer", async () => {
    const clock = new ManualClock();
    t = await startServer({ clock, config: { limits } });
    const table = await openTable(t, 2, { timerSeconds: null });
    await startPlanning(table);
    clock.advance(3_600_000);
    const room = t.server.rooms.all()[0]!;
    await room.idle();
    expect(room.game.phase).toBe("planning");
    ok(await table.facilitator.control("round:forceReveal"));
    await waitFor(() => table.host.view?.game.phase === "revealed", "the forced reveal");
  });
});
