/**
 * Network faults, with real transports: some clients reach the server through a TCP proxy (a
 * flaky link) that can swallow bytes in one direction, cut every connection and refuse new ones
 * for a while, as a dropped Wi-Fi or a train tunnel does. The reference client (GameConnection)
 * must find its way back by itself.
 *
 * - A quarter of the players lose their connection for 5 s with actions in flight (some the server
 *   applied but whose acks were lost, some the server never saw, some queued while offline). They
 *   come back to the same seats with their choices, every action is applied exactly once (one log
 *   entry per action id; retries carry the original id and get the first ack), and every screen
 *   agrees with the server.
 * - The facilitator's connection drops: the round timer reveals, the next round starts by itself,
 *   and the facilitator, attaching again with its token, is in control again (pause and resume).
 *
 * (The server killed with SIGKILL mid-round is crash.test.ts.)
 */
import net from "node:net";
import { RoomView } from "@boxless/shared";
import { afterEach, describe, expect, it } from "vitest";
import { GameConnection } from "../../client/src/net/connection";
import { ManualClock } from "./clock";
import type { Room } from "./rooms/room";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards, deckWhereEveryoneChooses } from "./testing/play";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy to the server whose connections the test can break. */
class FlakyLink {
  /** Forward bytes from the client to the server, and from the server to the client. */
  up = true;
  down = true;
  private refusing = false;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  static async open(targetPort: number): Promise<FlakyLink> {
    const server = net.createServer();
    const link: FlakyLink = await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        resolve(new FlakyLink(server, `http://127.0.0.1:${port}`));
      });
    });
    server.on("connection", (client) => link.accept(client, targetPort));
    return link;
  }

  private accept(client: net.Socket, targetPort: number): void {
    client.on("error", () => undefined);
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    upstream.on("error", () => undefined);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on("data", (chunk) => {
      if (this.up) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (this.down) client.write(chunk);
    });
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
  }

  /** Connections through the link now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Break every connection (a reset on the client's side) and refuse new ones until `restore`. */
  cut(): void {
    this.refusing = true;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  restore(): void {
    this.refusing = false;
    this.up = true;
    this.down = true;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const links: FlakyLink[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const link of links.splice(0)) await link.close();
  for (const server of servers.splice(0)) await server.close();
});

async function linkTo(t: TestServer): Promise<FlakyLink> {
  const link = await FlakyLink.open(t.port);
  links.push(link);
  return link;
}

/** A reference client that reaches the server through `link`. */
function clientVia(t: TestServer, link: FlakyLink): GameConnection {
  const connection = new GameConnection(link.url, { socket: { forceNew: true } });
  t.clients.push(connection);
  return connection;
}

function roomOf(t: TestServer, code: string): Room {
  const room = t.server.rooms.all().find((r) => r.code === code);
  if (!room) throw new Error(`no room ${code} on the server`);
  return room;
}

/** Every request the server received, as its own sockets saw it (event, action id, payload). */
function recordArrivals(t: TestServer): { event: string; actionId: unknown; payload: string }[] {
  const arrivals: { event: string; actionId: unknown; payload: string }[] = [];
  t.server.io.on("connection", (socket) => {
    socket.onAny((event: string, payload: unknown) => {
      const actionId =
        typeof payload === "object" && payload !== null
          ? (payload as { actionId?: unknown }).actionId
          : undefined;
      arrivals.push({ event, actionId, payload: JSON.stringify(payload) });
    });
  });
  return arrivals;
}

/** Each screen's view (kept up to date by patches) is the server's view of it, bar a version that may lag. */
async function expectViewsMatchServer(clients: GameConnection[]): Promise<void> {
  for (const client of clients) {
    const synced = (await client.socket.timeout(3_000).emitWithAck("room:sync", {})) as {
      ok: boolean;
      data: { session: { view: RoomView } };
    };
    expect(synced.ok).toBe(true);
    expect(RoomView.safeParse(client.view).success).toBe(true);
    expect({ ...client.view, version: 0 }).toEqual({ ...synced.data.session.view, version: 0 });
  }
}

describe("a quarter of the players drop for 5 s", () => {
  it("come back to their seats with their choices, each action applied once, every screen in agreement", async () => {
    const t = await startServer();
    servers.push(t);
    const arrivals = recordArrivals(t);
    const created = await t.createRoom({
      settings: { rounds: 3, teamSize: 4, fillWithBots: false, timerSeconds: null },
      deck: deckWhereEveryoneChooses,
    });
    const { code } = created;
    const facilitator = t.client();
    ok(await facilitator.facilitate(code, created.facilitatorToken));
    const host = t.client();
    ok(await host.watch(code));
    // 8 players in 2 teams of 4; players 3 and 8 (one per team) are on flaky links.
    const [linkA, linkB] = [await linkTo(t), await linkTo(t)];
    const players: GameConnection[] = [];
    for (let i = 1; i <= 8; i++) {
      const player = i === 3 ? clientVia(t, linkA) : i === 8 ? clientVia(t, linkB) : t.client();
      ok(await player.join(code, `Player ${i}`));
      players.push(player);
    }
    const [lostAcks, lostRequests] = [players[2] as GameConnection, players[7] as GameConnection];
    const steady = players.filter((p) => p !== lostAcks && p !== lostRequests);
    ok(await facilitator.control("game:start"));
    // Every player's own view: a decider names the round its view shows.
    await waitFor(
      () => players.every((p) => p.view?.game.phase === "reporting"),
      "the reporting decision on every screen",
    );
    expect(host.view?.game.teams.map((team) => team.seats.length)).toEqual([4, 4]);
    expect(new Set([lostAcks, lostRequests].map((p) => p.view?.me?.teamId)).size).toBe(2);
    for (const team of host.view?.game.teams ?? []) {
      const decider = players.find((p) => p.seatId === team.seats[0]?.id) as GameConnection;
      ok(await decider.play("team:chooseReporting", { side: "product" }));
    }
    await waitFor(
      () => players.every((p) => p.view?.game.phase === "planning" && (p.view.me?.hand.length ?? 0) > 0),
      "planning on every screen",
    );
    const room = roomOf(t, code);
    const seats = new Map(players.map((p) => [p, p.seatId as string]));

    // Before the drop everyone chooses a card, acknowledged.
    for (const p of players) {
      const [cardId] = affordableCards(p, 1);
      ok(await p.play("card:select", { cardId: cardId as string }));
    }

    // Player 3's link swallows what the server sends: its next actions reach the server and are
    // applied, but their acks (and patches) are lost.
    const [a2] = affordableCards(lostAcks, 1) as [string];
    const a3 = (lostAcks.view?.me?.hand ?? []).map((c) => c.id).find((id) => id !== a2) as string;
    linkA.down = false;
    const inFlightA = [
      {
        id: "lost-ack-select-0001",
        ack: lostAcks.play("card:select", { cardId: a2 }, "lost-ack-select-0001"),
      },
      {
        id: "lost-ack-unselect-001",
        ack: lostAcks.play("card:unselect", { cardId: a2 }, "lost-ack-unselect-001"),
      },
      {
        id: "lost-ack-show-00000001",
        ack: lostAcks.play("card:show", { cardId: a3 }, "lost-ack-show-00000001"),
      },
    ];
    // Player 8's link swallows what it sends: the server never sees its next actions.
    const [b2] = affordableCards(lostRequests, 1) as [string];
    const b3 = (lostRequests.view?.me?.hand ?? []).map((c) => c.id).find((id) => id !== b2) as string;
    linkB.up = false;
    const inFlightB = [
      {
        id: "lost-req-select-00001",
        ack: lostRequests.play("card:select", { cardId: b2 }, "lost-req-select-00001"),
      },
      {
        id: "lost-req-show-0000001",
        ack: lostRequests.play("card:show", { cardId: b3 }, "lost-req-show-0000001"),
      },
    ];
    const logged = async (id: string) => (await t.store.entries(code)).some((e) => e.actionId === id);
    for (const { id } of inFlightA)
      await waitFor(() => arrivals.some((a) => a.actionId === id), `the server to receive ${id}`);
    await room.idle();
    for (const { id } of inFlightA) expect(await logged(id), id).toBe(true);
    await sleep(100);
    await room.idle();
    for (const { id } of inFlightB) {
      expect(
        arrivals.some((a) => a.actionId === id),
        id,
      ).toBe(false);
      expect(await logged(id), id).toBe(false);
    }
    // Sent, not acknowledged.
    expect(lostAcks.unacknowledged).toBe(3);
    expect(lostRequests.unacknowledged).toBe(2);

    // The drop: both links cut and refusing for 5 s.
    const cutAt = Date.now();
    linkA.cut();
    linkB.cut();
    await waitFor(
      () => lostAcks.status === "reconnecting" && lostRequests.status === "reconnecting",
      "the drop to be noticed",
    );
    // Player 8 keeps playing offline: this is queued until the connection is back.
    const queued = {
      id: "offline-lock-in-00001",
      ack: lostRequests.play("seat:lockIn", {}, "offline-lock-in-00001"),
    };
    // Meanwhile the others play on.
    for (const p of steady) {
      const [cardId] = affordableCards(p, 1);
      if (cardId) ok(await p.play("card:select", { cardId }));
    }
    await waitFor(() => room.connectedSeats === 6, "the server to notice the two seats gone");
    await sleep(Math.max(0, 4_800 - (Date.now() - cutAt)));
    // Still down after almost 5 s (reconnection attempts were refused), and not yet shown as away.
    expect([lostAcks.status, lostRequests.status]).toEqual(["reconnecting", "reconnecting"]);
    expect(linkA.open + linkB.open).toBe(0);
    expect(room.connectedSeats).toBe(6);
    expect(host.away).toEqual([]);
    await sleep(Math.max(0, 5_000 - (Date.now() - cutAt)));

    // Back: they reconnect, attach to their seats and resend what had no ack, by themselves.
    linkA.restore();
    linkB.restore();
    await waitFor(
      () => [lostAcks, lostRequests].every((p) => p.status === "online" && p.unacknowledged === 0),
      "both to be back with every action acknowledged",
      10_000,
    );
    const downFor = Date.now() - cutAt;
    expect(downFor).toBeGreaterThanOrEqual(5_000);
    for (const [p, seatId] of seats) expect(p.seatId).toBe(seatId);
    expect(room.connectedSeats).toBe(8);
    await room.idle();

    // Every action in flight got an ok ack; the server's were the first ones (the same versions).
    const entries = await t.store.entries(code);
    const entryOf = (id: string) => entries.filter((e) => e.actionId === id);
    for (const { id, ack } of [...inFlightA, ...inFlightB, queued]) {
      const answer = await ack;
      expect(answer, id).toMatchObject({ ok: true });
      expect(entryOf(id), `log entries for ${id}`).toHaveLength(1);
      if (answer.ok) expect((answer.data as { version: number }).version).toBe(entryOf(id)[0]?.seq);
    }
    // Retries carried the original ids: player 3's actions reached the server twice (sent, then
    // resent after the reconnect) with the same payload, and were applied once.
    for (const { id } of inFlightA) {
      const seen = arrivals.filter((a) => a.actionId === id);
      expect(seen.length, `arrivals of ${id}`).toBe(2);
      expect(seen[1]?.payload).toBe(seen[0]?.payload);
    }
    for (const { id } of [...inFlightB, queued])
      expect(arrivals.filter((a) => a.actionId === id).length, `arrivals of ${id}`).toBe(1);
    // No action id was applied twice anywhere in the log.
    const ids = entries.filter((e) => e.actionId).map((e) => e.actionId);
    expect(new Set(ids).size).toBe(ids.length);

    // Their choices are intact, on their screens and on the server.
    const serverSeat = (p: GameConnection) => room.game.seats[seats.get(p) as string];
    expect(serverSeat(lostAcks)?.selected).not.toContain(a2);
    expect(serverSeat(lostAcks)?.shown).toContain(a3);
    expect(serverSeat(lostRequests)?.selected).toContain(b2);
    expect(serverSeat(lostRequests)?.shown).toContain(b3);
    expect(serverSeat(lostRequests)?.locked).toBe(true);
    for (const p of players) {
      expect(p.view?.me?.selected).toEqual(serverSeat(p)?.selected);
      expect(p.view?.me?.shown).toEqual(serverSeat(p)?.shown);
      expect(serverSeat(p)?.selected.length).toBeGreaterThanOrEqual(1);
    }
    await expectViewsMatchServer([facilitator, host, ...players]);

    // And the game goes on to the reveal, with the returning players' cards in it.
    for (const p of players) if (p !== lostRequests) ok(await p.play("seat:lockIn"));
    await waitFor(() => host.view?.game.phase === "revealed", "the reveal");
    const plays = (host.view?.game.teams ?? []).flatMap((team) => team.roundScores[0]?.plays ?? []);
    for (const p of players)
      for (const cardId of serverSeat(p)?.selected ?? [])
        expect(plays).toContainEqual(expect.objectContaining({ seatId: seats.get(p), cardId }));
  });
});

describe("the facilitator's connection drops", () => {
  it("play goes on (the timer reveals, the next round starts), and the facilitator's link restores control", async () => {
    const clock = new ManualClock();
    // The rate limiter runs on the manual clock too: out of the way here.
    const t = await startServer({
      clock,
      config: { limits: { eventsPerSecond: 1_000, eventBurst: 1_000, floodDisconnectAfter: 1_000 } },
    });
    servers.push(t);
    const created = await t.createRoom({
      settings: { rounds: 4, teamSize: 2, fillWithBots: false, timerSeconds: 30, autoAdvanceSeconds: 5 },
    });
    const { code, facilitatorToken } = created;
    const link = await linkTo(t);
    const facilitator = clientVia(t, link);
    ok(await facilitator.facilitate(code, facilitatorToken));
    const host = t.client();
    ok(await host.watch(code));
    const players: GameConnection[] = [];
    for (let i = 1; i <= 4; i++) {
      const player = t.client();
      ok(await player.join(code, `Player ${i}`));
      players.push(player);
    }
    ok(await facilitator.control("game:start"));
    // Every player's own view: a decider names the round its view shows.
    await waitFor(
      () => players.every((p) => p.view?.game.phase === "reporting"),
      "the reporting decision on every screen",
    );
    for (const team of host.view?.game.teams ?? []) {
      const decider = players.find((p) => p.seatId === team.seats[0]?.id) as GameConnection;
      ok(await decider.play("team:chooseReporting", { side: "marketing" }));
    }
    await waitFor(() => host.view?.game.phase === "planning", "planning");
    expect(host.view?.room.timer).toMatchObject({ kind: "round", round: 1, endsAt: clock.now() + 30_000 });
    const room = roomOf(t, code);
    const chosen = new Map<string, string>();
    for (const p of players) {
      const [cardId] = affordableCards(p, 1);
      ok(await p.play("card:select", { cardId: cardId as string }));
      chosen.set(p.seatId as string, cardId as string);
    }

    // The facilitator's network goes.
    link.cut();
    await waitFor(() => facilitator.status === "reconnecting", "the facilitator's drop to be noticed");
    await waitFor(() => room.peerCount === 5, "the server to notice");

    // The round timer runs out: the round is revealed with the chosen cards.
    clock.advance(30_000);
    await waitFor(() => host.view?.game.phase === "revealed", "the timer's reveal");
    const plays = (host.view?.game.teams ?? []).flatMap((team) => team.roundScores[0]?.plays ?? []);
    for (const [seatId, cardId] of chosen)
      expect(plays).toContainEqual(expect.objectContaining({ seatId, cardId }));
    expect(host.view?.room.timer).toMatchObject({ kind: "advance", round: 1, durationMs: 5_000 });
    // The countdown runs out: round 2 starts by itself, with its own timer.
    clock.advance(5_000);
    await waitFor(
      () => host.view?.game.round === 2 && host.view.game.phase === "planning",
      "round 2 to start by itself",
    );
    expect(host.view?.room.timer).toMatchObject({ kind: "round", round: 2, endsAt: clock.now() + 30_000 });
    // Players act in round 2 while the facilitator is still away.
    const someone = players[0] as GameConnection;
    await waitFor(
      () => (someone.view?.me?.hand.length ?? 0) > 0 && someone.view?.game.round === 2,
      "a round-2 hand",
    );
    const [round2Card] = affordableCards(someone, 1);
    ok(await someone.play("card:select", { cardId: round2Card as string }));
    const timerEntries = (await t.store.entries(code))
      .filter((e) => e.actor === "timer")
      .map((e) => e.command);
    expect(timerEntries).toEqual([{ type: "round:timerExpired", round: 1 }, { type: "round:next" }]);
    expect(facilitator.status).toBe("reconnecting");

    // The network comes back: the facilitator's client attaches again with its token by itself and
    // sees the game as it is now.
    link.restore();
    await waitFor(() => facilitator.status === "online", "the facilitator to be back", 10_000);
    await room.idle();
    expect(facilitator.view?.viewer).toBe("facilitator");
    expect(facilitator.view?.game.round).toBe(2);
    await expectViewsMatchServer([facilitator, host]);

    // Control is back: pausing freezes the round timer.
    ok(await facilitator.control("game:pause"));
    await waitFor(() => host.view?.game.paused === true, "the pause");
    expect(host.view?.room.timer).toMatchObject({ kind: "round", round: 2, endsAt: null, leftMs: 30_000 });
    clock.advance(60_000);
    await room.idle();
    expect(room.game.phase).toBe("planning");
    expect(room.game.round).toBe(2);

    // The facilitator link opened on another device (the token from room creation) resumes.
    const laptop = t.client();
    ok(await laptop.facilitate(code, facilitatorToken));
    ok(await laptop.control("game:resume"));
    await waitFor(() => host.view?.game.paused === false, "the resume");
    expect(host.view?.room.timer?.endsAt).toBe(clock.now() + 30_000);
    // Both facilitator screens may act; the first one too.
    ok(await facilitator.control("round:forceReveal"));
    await waitFor(
      () => host.view?.game.phase === "revealed" && host.view.game.round === 2,
      "round 2's reveal",
    );
  });
});
