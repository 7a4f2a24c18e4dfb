/**
 * Dropped connections keep their seats: a socket that drops reconnects and re-attaches by itself;
 * a reloaded page comes back with its stored token; a seat gone for a while shows as away and can
 * be picked up by its person on a new device, or handed over by the facilitator.
 */

import { io } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/net/connection";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards } from "./testing/play";
import { openTable, startPlanning } from "./testing/setup";

let t: TestServer;
afterEach(async () => t?.close());

describe("reconnecting", () => {
  it("gives a player who drops mid-round the same seat and the same choices", async () => {
    t = await startServer();
    const table = await openTable(t, 4);
    await startPlanning(table);
    const player = table.players[0]!;
    const [cardId] = affordableCards(player, 1);
    ok(await player.play("card:select", { cardId: cardId! }));
    const seatId = player.seatId;

    // The network drops under the socket (not a deliberate close): the client reconnects by itself.
    player.socket.io.engine.close();
    await waitFor(() => player.status === "reconnecting", "the drop to be noticed");
    await waitFor(() => player.status === "online", "the reconnect");
    expect(player.seatId).toBe(seatId);
    expect(player.view?.me?.selected).toEqual([cardId]);

    // And it keeps playing: locking in works and is seen by the host.
    ok(await player.play("seat:lockIn"));
    await waitFor(
      () => table.host.view?.game.teams[0]?.seats.find((s) => s.id === seatId)?.locked,
      "the host to see the lock-in",
    );
  });

  it("brings a reloaded page back to its seat with the stored token", async () => {
    t = await startServer();
    const storage = memoryStorage();
    const table = await openTable(t, 3);
    const me = t.client(storage);
    ok(await me.join(table.code, "Reloader"));
    await startPlanning({ ...table, players: [...table.players, me] });
    expect(me.view?.game.phase).toBe("planning");
    const [cardId] = affordableCards(me, 1);
    ok(await me.play("card:select", { cardId: cardId! }));
    const seatId = me.seatId;
    me.close();

    const reloaded = t.client(storage);
    const again = ok(await reloaded.rejoin(table.code));
    expect(again.seatId).toBe(seatId);
    expect(reloaded.view?.me?.selected).toEqual([cardId]);
    expect(reloaded.view?.me?.hand.length).toBeGreaterThan(0);
  });

  it("applies an action resent with the same id once, and answers with the first ack", async () => {
    t = await startServer();
    const table = await openTable(t, 4);
    await startPlanning(table);
    // The PM: no scenario of the built-in deck freezes that role (a hiring freeze freezes the PMM).
    const player = table.players[0]!;
    const [cardId] = affordableCards(player, 1);
    const first = ok(await player.play("card:select", { cardId: cardId! }, "retry-select-1"));
    const versionAfter = t.server.rooms.all()[0]?.version;
    const second = ok(await player.play("card:select", { cardId: cardId! }, "retry-select-1"));
    expect(second).toEqual(first);
    expect(t.server.rooms.all()[0]?.version).toBe(versionAfter);
    expect(player.view?.me?.selected).toEqual([cardId]);
  });

  it("shows a seat as away after its person has been gone a while, and back when they return", async () => {
    t = await startServer({ config: { awayAfterMs: 150 } });
    const table = await openTable(t, 2);
    const leaver = table.players[0]!;
    const seatId = leaver.seatId as string;
    leaver.socket.disconnect();
    await waitFor(() => table.host.away.includes(seatId), "the host to show the seat as away");
    expect(table.players[1]?.away).toContain(seatId);
    leaver.socket.connect();
    await waitFor(
      () => leaver.status === "online" && !table.host.away.includes(seatId),
      "the seat to be back",
    );
  });

  it("lets a person on a new device take back their away seat by joining with the same name", async () => {
    t = await startServer({ config: { awayAfterMs: 100 } });
    const table = await openTable(t, 4);
    await startPlanning(table);
    const lost = table.players[2]!;
    const [cardId] = affordableCards(lost, 1);
    ok(await lost.play("card:select", { cardId: cardId! }));
    const seatId = lost.seatId as string;
    lost.close();
    await waitFor(() => table.host.away.includes(seatId), "away");

    const newPhone = t.client();
    const joined = ok(await newPhone.join(table.code, "player 3"));
    expect(joined.seatId).toBe(seatId);
    expect(newPhone.view?.me?.selected).toEqual([cardId]);
    // The old device's token no longer works.
    const stale = t.client();
    const refused = await stale.rejoin(table.code, table.tokens[2]);
    expect(refused.ok ? "accepted" : refused.error.code).toBe("seat/replaced");
  });

  it("refuses a name held by a person who is connected", async () => {
    t = await startServer();
    const table = await openTable(t, 1);
    const copycat = t.client();
    const ack = await copycat.join(table.code, " PLAYER 1 ");
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe("seat/name_taken");
      expect(ack.error.message).toContain("PLAYER 1");
    }
  });

  it("puts a latecomer in a bot's seat, with its cards", async () => {
    t = await startServer();
    const table = await openTable(t, 2, { fillWithBots: true, teamSize: 4 });
    await startPlanning(table);
    const late = t.client();
    const joined = ok(await late.join(table.code, "Latecomer"));
    const seat = table.host.view?.game.teams[0]?.seats.find((s) => s.id === joined.seatId);
    await waitFor(
      () => table.host.view?.game.teams[0]?.seats.find((s) => s.id === joined.seatId)?.name === "Latecomer",
      "the seat renamed",
    );
    expect(seat?.roles.length ?? late.view?.me?.roles.length).toBeGreaterThan(0);
    expect(late.view?.me?.hand.length).toBeGreaterThan(0);
    expect(table.host.view?.game.teams[0]?.seats.find((s) => s.id === joined.seatId)?.bot).toBe(false);
  });

  it("lets the facilitator hand a seat to another device; the old device is told", async () => {
    t = await startServer();
    const table = await openTable(t, 2);
    const old = table.players[0]!;
    const seatId = old.seatId as string;
    const handed = ok(await table.facilitator.control("seat:handOver", { seatId }));
    expect(handed.link).toContain(`/seat/${table.code}#`);
    await waitFor(() => old.status === "ended", "the old device to be told");
    expect(old.ended?.code).toBe("seat/replaced");
    const fresh = t.client();
    const back = ok(await fresh.rejoin(table.code, handed.seatToken));
    expect(back.seatId).toBe(seatId);
    const oldAgain = t.client();
    const refused = await oldAgain.rejoin(table.code, table.tokens[0]);
    expect(refused.ok ? "accepted" : refused.error.code).toBe("seat/replaced");
  });

  it("re-attaches a socket that socket.io recovered after a short drop, without a rejoin", async () => {
    t = await startServer({ config: { connectionStateRecovery: true } });
    const table = await openTable(t, 2);
    await startPlanning(table);
    const raw = io(t.url, { transports: ["websocket"], forceNew: true });
    try {
      await new Promise((resolve) => raw.once("connect", () => resolve(null)));
      const joined = (await raw.emitWithAck("room:rejoin", {
        code: table.code,
        seatToken: table.tokens[0],
      })) as {
        ok: boolean;
      };
      expect(joined.ok).toBe(true);
      // Another seat acts, so the session has a packet to recover from.
      ok(await table.players[1]!.play("seat:lockIn"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const replaced = new Promise((resolve) => raw.once("view:replaced", resolve));
      (raw.io.engine as unknown as { transport: { ws: { terminate(): void } } }).transport.ws.terminate();
      await new Promise((resolve) => raw.once("connect", () => resolve(null)));
      expect(raw.recovered).toBe(true);
      await replaced;
      // No room:rejoin was sent on the new connection, yet the seat acts.
      const acted = (await raw.emitWithAck("seat:lockIn", { actionId: "recovered-lock-1", round: 1 })) as {
        ok: boolean;
      };
      expect(acted.ok).toBe(true);
    } finally {
      raw.close();
    }
  });

  it("does not let a device the seat was taken from remove it", async () => {
    t = await startServer();
    const table = await openTable(t, 2);
    const old = table.players[0]!;
    const seatId = old.seatId as string;
    const handed = ok(await table.facilitator.control("seat:handOver", { seatId }));
    await waitFor(() => old.status === "ended", "the old device to be told");
    const fresh = t.client();
    ok(await fresh.rejoin(table.code, handed.seatToken));
    const left = await old.leave();
    expect(left.ok ? "left" : left.error.code).toBe("auth/not_in_room");
    expect(t.server.rooms.all()[0]?.game.seats[seatId]).toBeDefined();
  });

  it("answers a repeated join id only for the same name, so it never hands a seat to someone else", async () => {
    t = await startServer();
    const table = await openTable(t, 0);
    const ada = t.client();
    const first = await ada.socket.emitWithAck("room:join", {
      code: table.code,
      name: "Ada",
      actionId: "join-id-0001",
    });
    expect(first.ok).toBe(true);
    const retry = await ada.socket.emitWithAck("room:join", {
      code: table.code,
      name: "ada",
      actionId: "join-id-0001",
    });
    expect(retry.data.seatToken).toBe(first.data.seatToken);
    const mallory = t.client();
    await waitFor(() => mallory.socket.connected, "connected");
    const stolen = await mallory.socket.emitWithAck("room:join", {
      code: table.code,
      name: "Mallory",
      actionId: "join-id-0001",
    });
    expect(stolen.ok ? "accepted" : stolen.error.code).toBe("request/invalid");
  });
});
