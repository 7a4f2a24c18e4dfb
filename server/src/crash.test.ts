/**
 * `kill -9` in the middle of a round: every action the server acknowledged is in the state of the
 * server started next on the same data directory, and the clients reconnect to their seats by
 * themselves. Also: SIGTERM stops the server cleanly.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { GameConnection } from "../../client/src/net/connection";
import { type ChildServer, freePort, startChildServer } from "./testing/child-server";
import { createRoomAt, ok, waitFor } from "./testing/harness";

const children: ChildServer[] = [];
const clients: GameConnection[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const child of children.splice(0)) await child.kill();
});

async function start(dataDir: string, port: number): Promise<ChildServer> {
  const child = await startChildServer(dataDir, port);
  children.push(child);
  return child;
}

describe("a crash", () => {
  it("loses no acknowledged action when the server is killed with SIGKILL mid-round", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boxless-crash-"));
    const port = await freePort();
    const first = await start(dataDir, port);
    const created = await createRoomAt(first.url, { settings: { fillWithBots: false, timerSeconds: null } });
    const connect = () => {
      const c = new GameConnection(first.url, { socket: { forceNew: true } });
      clients.push(c);
      return c;
    };
    const facilitator = connect();
    ok(await facilitator.facilitate(created.code, created.facilitatorToken));
    const players = Array.from({ length: 8 }, connect);
    for (const [i, p] of players.entries()) ok(await p.join(created.code, `P${i + 1}`));
    ok(await facilitator.control("game:start"));
    for (const p of players)
      await waitFor(() => p.view?.game.phase === "reporting" && p.view.me?.roles.length, "roles");
    const teams = new Set<string>();
    for (const p of players) {
      const team = p.view?.me?.teamId as string;
      if (teams.has(team)) continue;
      teams.add(team);
      ok(await p.play("team:chooseReporting", { side: "marketing" }));
    }
    for (const p of players)
      await waitFor(() => p.view?.game.phase === "planning" && p.view.me?.hand.length, "planning");

    // Everyone selects cards as fast as they can; the server is killed while they are at it: as
    // soon as four selections are acknowledged, from the player's own loop (a poll from outside
    // could come after all 40 were answered, and the test would prove little).
    const acked = new Map<string, Set<string>>();
    let answered = 0;
    let attempts = 0;
    let killed: Promise<number | null> | null = null;
    const seatsBefore = players.map((p) => p.seatId);
    const sending = players.map(async (p) => {
      const mine = new Set<string>();
      acked.set(p.seatId as string, mine);
      for (const card of p.view?.me?.hand ?? []) {
        attempts++;
        const ack = await p.play("card:select", { cardId: card.id });
        answered++;
        if (ack.ok) mine.add(card.id);
        if (!killed && [...acked.values()].reduce((n, s) => n + s.size, 0) >= 4)
          killed = first.kill("SIGKILL");
      }
    });
    await waitFor(() => killed !== null, "some acknowledged actions, then the kill");
    await killed;
    expect(first.process.signalCode).toBe("SIGKILL");
    // The kill came while players were still sending (otherwise this test would prove little).
    expect(answered).toBeLessThan(players.length * 5);
    expect(attempts).toBeGreaterThan(answered);

    const second = await start(dataDir, port);
    await Promise.all(sending);
    for (const p of players) await waitFor(() => p.status === "online", "every player back online", 15_000);
    // Each is back in its own seat, by itself.
    expect(players.map((p) => p.seatId)).toEqual(seatsBefore);
    expect(players.map((p) => p.view?.me?.seatId)).toEqual(seatsBefore);
    // Every acknowledged selection is in the new server's view of each seat.
    for (const p of players) {
      const selected = new Set(p.view?.me?.selected ?? []);
      for (const card of acked.get(p.seatId as string) ?? []) expect(selected.has(card)).toBe(true);
      expect(p.unacknowledged).toBe(0);
    }
    // And play goes on to the reveal.
    for (const p of players) ok(await p.play("seat:lockIn"));
    await waitFor(() => players.every((p) => p.view?.game.phase === "revealed"), "the reveal");
    expect(second.process.exitCode).toBeNull();
    // The facilitator came back by itself too, with its rights.
    await waitFor(() => facilitator.status === "online", "the facilitator back online");
    ok(await facilitator.control("round:next"));

    // Actions resent after the crash were applied once: no action id twice in the log (of any of
    // the server's processes).
    const files = fs.readdirSync(dataDir).filter((name) => /^boxless.*\.sqlite$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const db = new Database(path.join(dataDir, file), { readonly: true });
      const repeated = db
        .prepare(
          "SELECT action_id, COUNT(*) AS n FROM actions WHERE action_id IS NOT NULL GROUP BY actor, action_id HAVING n > 1",
        )
        .all();
      db.close();
      expect(repeated).toEqual([]);
    }
  });

  it("stops cleanly on SIGTERM", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boxless-stop-"));
    const child = await start(dataDir, await freePort());
    expect(await child.kill("SIGTERM")).toBe(0);
  });
});
