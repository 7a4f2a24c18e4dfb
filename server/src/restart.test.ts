/**
 * The server is closed and a new one started on the same database file and port: every room, seat
 * and choice is back, the clients find it again by themselves, and play continues.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "./clock";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards } from "./testing/play";
import { openTable, startPlanning } from "./testing/setup";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

describe("a server restart", () => {
  it("brings back every room, seat and choice, and the clients carry on by themselves", async () => {
    const first = await start();
    const table = await openTable(first, 8);
    // A second room that has not started yet must come back too.
    const lobby = await openTable(first, 2);
    await startPlanning(table);
    const chosen = new Map<string, string[]>();
    for (const player of table.players.slice(0, 6)) {
      const cards = affordableCards(player, 2);
      for (const cardId of cards) ok(await player.play("card:select", { cardId }));
      chosen.set(player.seatId as string, cards);
    }
    ok(await table.players[0]!.play("seat:lockIn"));
    const before = first.server.rooms.all().find((r) => r.code === table.code)?.game;

    // Stop the server (its clients stay, and keep trying to reconnect), then start a new one
    // on the same database file and the same port.
    await first.server.close();
    const second = await start({ dbFile: first.dbFile, port: first.port });
    const room = await second.server.rooms.get(table.code);
    expect(room?.game).toEqual(before);
    expect((await second.server.rooms.get(lobby.code))?.game.seatOrder).toHaveLength(2);

    for (const player of [...table.players, table.host, table.facilitator])
      await waitFor(() => player.status === "online" && player.view, "every client to reconnect", 10_000);
    for (const player of table.players.slice(0, 6))
      expect(player.view?.me?.selected).toEqual(chosen.get(player.seatId as string));
    expect(table.players[0]?.view?.me?.locked).toBe(true);

    // Play continues: everyone locks in and the round is revealed with the choices made before.
    for (const player of table.players.slice(1)) ok(await player.play("seat:lockIn"));
    await waitFor(() => table.host.view?.game.phase === "revealed", "the reveal after the restart");
    const plays = table.host.view?.game.teams.flatMap((team) => team.roundScores[0]?.plays ?? []) ?? [];
    for (const [seatId, cards] of chosen)
      expect(
        plays
          .filter((p) => p.seatId === seatId)
          .map((p) => p.cardId)
          .sort(),
      ).toEqual([...cards].sort());
  });

  it("resumes a round timer with the time it had left", async () => {
    const clock = new ManualClock();
    const limits = { eventsPerSecond: 1000, eventBurst: 1000, floodDisconnectAfter: 1000 };
    const first = await start({ clock, config: { limits } });
    const table = await openTable(first, 4, { timerSeconds: 60 });
    await startPlanning(table);
    clock.advance(20_000);
    await first.server.close();

    const later = new ManualClock(clock.now() + 3_600_000); // an hour later: the downtime does not count
    const second = await start({ dbFile: first.dbFile, port: first.port, clock: later, config: { limits } });
    const room = await second.server.rooms.get(table.code);
    expect(room?.savedTimer()).toMatchObject({ kind: "round", round: 1, leftMs: 40_000, running: true });
    later.advance(39_000);
    await room?.idle();
    expect(room?.game.phase).toBe("planning");
    later.advance(1_000);
    await waitFor(() => room?.game.phase === "revealed" && room, "the timer to reveal the round");
  });
});
