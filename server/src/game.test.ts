/**
 * A whole workshop through the real server: a facilitator creates a room over HTTP, eight people
 * join over socket.io, two teams of four play every round to the final scores.
 */

import { afterEach, describe, expect, it } from "vitest";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards } from "./testing/play";

let t: TestServer;
afterEach(async () => t?.close());

describe("a complete game", () => {
  it("lets two teams of four play to the final scores", async () => {
    t = await startServer();
    const room = await t.createRoom({
      settings: { rounds: 3, teamSize: 4, fillWithBots: false, timerSeconds: null },
    });
    expect(room.code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{5}$/);
    const facilitator = t.client();
    ok(await facilitator.facilitate(room.code, room.facilitatorToken));
    const host = t.client();
    ok(await host.watch(room.code));

    const players = Array.from({ length: 8 }, () => t.client());
    for (const [i, player] of players.entries()) ok(await player.join(room.code, `Player ${i + 1}`));
    await waitFor(
      () => host.view?.game.teams.flatMap((team) => team.seats).length === 8,
      "eight seats on the host screen",
    );
    expect(host.view?.game.teams.map((team) => team.seats.length)).toEqual([4, 4]);
    for (const team of host.view?.game.teams ?? [])
      expect(new Set(team.seats.flatMap((s) => s.roles))).toEqual(new Set(["pm", "pmm", "cm", "support"]));

    ok(await facilitator.control("game:start"));
    for (let round = 1; round <= 3; round++) {
      await waitFor(
        () => players.every((p) => p.view?.game.round === round && p.view.game.phase !== "revealed"),
        `round ${round}`,
      );
      // Before round 1 and at the mid-game review each team decides where Community reports.
      if (host.view?.game.phase === "reporting") {
        for (const team of host.view.game.teams) {
          const decider = players.find((p) => p.seatId === team.seats[0]?.id);
          if (decider)
            ok(await decider.play("team:chooseReporting", { side: round === 1 ? "product" : "marketing" }));
        }
      }
      await waitFor(
        () => players.every((p) => p.view?.game.phase === "planning"),
        `planning of round ${round}`,
      );
      expect(host.view?.game.scenario).not.toBeNull();
      for (const player of players) {
        for (const cardId of affordableCards(player)) {
          const ack = await player.play("card:select", { cardId });
          if (!ack.ok) expect(["action/not_enough_energy", "action/card_taken"]).toContain(ack.error.code);
        }
        ok(await player.play("seat:lockIn"));
      }
      await waitFor(
        () => host.view?.game.phase === "revealed" && host.view.game.round === round,
        `reveal ${round}`,
      );
      for (const team of host.view?.game.teams ?? []) expect(team.roundScores).toHaveLength(round);
      await waitFor(
        () => players.every((p) => p.view?.game.phase === "revealed"),
        "every player sees the reveal",
      );
      ok(await facilitator.control("round:next"));
    }
    await waitFor(() => players.every((p) => p.view?.game.phase === "finished"), "the final scores");
    const board = host.view?.game.leaderboard ?? [];
    expect(board).toHaveLength(2);
    for (const line of board) expect(line.final).toEqual(expect.any(Number));
    expect((board[0]?.final ?? 0) >= (board[1]?.final ?? 0)).toBe(true);
    // What every screen shows matches what the server holds.
    const state = t.server.rooms.all()[0]?.game;
    expect(host.view?.game.leaderboard.map((l) => l.final).sort()).toEqual(
      Object.values(state?.finalScores ?? {}).sort(),
    );
  });
});
