/**
 * A room's fan-out, on the room itself (no sockets): after any sequence of joins, moves, actions,
 * facilitator controls, leaves, reconnections and timers, every peer's view, kept only by the
 * patches it was pushed, equals the view built from scratch with `viewFor` for what it is attached
 * as. That is the property the view cache must keep. Also: peers that get the same board-only
 * patch from the same version get one payload through `pushAll`.
 */
import {
  applyViewPatch,
  builtinDeck,
  type GameCommand,
  handOf,
  type PatchOp,
  RoomSettings,
  type RoomSettingsInput,
  type RoomView,
  seatPartOf,
  viewFor,
} from "@boxless/shared";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock";
import { createLogger } from "../logger";
import type { RoomRecord } from "../store/room-store";
import { SqliteRoomStore } from "../store/sqlite-store";
import { newToken, type Peer, Room, type RoomDeps } from "./room";

let peerCount = 0;

/** A peer that keeps its view the way the reference client does: the session's view, then patches. */
class TestPeer implements Peer {
  readonly id = `peer-${++peerCount}`;
  view: RoomView | null = null;
  /** Patches whose base was not this peer's version (a client would have to resync). */
  gaps: string[] = [];
  ended = false;
  patches = 0;

  /** JSON bytes of the payloads sent to this peer alone (not through `pushAll`). */
  bytes = 0;
  /** The ops of each patch sent to this peer alone. */
  ownPatches: PatchOp[][] = [];

  push(event: string, payload: unknown, shared = false): void {
    if (!shared) {
      this.bytes += JSON.stringify(payload).length;
      if (event === "view:patched") this.ownPatches.push((payload as { ops: PatchOp[] }).ops);
    }
    if (event === "session:ended") this.ended = true;
    if (event !== "view:patched" || !this.view) return;
    const push = payload as { base: number; version: number; ops: PatchOp[] };
    this.patches++;
    if (push.base !== this.view.version) {
      this.gaps.push(`base ${push.base}, view ${this.view.version}`);
      return;
    }
    this.view = { ...applyViewPatch(this.view, push.ops as never), version: push.version };
  }

  take(ack: { ok: boolean; data?: unknown }): void {
    if (!ack.ok) return;
    this.ended = false;
    this.view = (ack.data as { session: { view: RoomView } }).session.view;
  }
}

const stores: SqliteRoomStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** The facilitator, the host screen and `people` players (Person 0, 1, …), attached to `room`. */
async function fillRoom(room: Room, people: number) {
  const facilitator = new TestPeer();
  facilitator.take(await room.facilitate("f".repeat(32), facilitator));
  const host = new TestPeer();
  host.take(await room.watch(host));
  const players: TestPeer[] = [];
  for (let i = 0; i < people; i++) {
    const peer = new TestPeer();
    peer.take(await room.join(`Person ${i}`, `join-${String(i).padStart(6, "0")}`, peer));
    players.push(peer);
  }
  return { facilitator, host, players };
}

async function openRoom(settings: RoomSettingsInput, deps: Partial<RoomDeps> = {}) {
  const store = new SqliteRoomStore(":memory:");
  stores.push(store);
  const clock = new ManualClock();
  const record: RoomRecord = {
    code: "K7QXP",
    createdAt: clock.now(),
    seed: 4242,
    settings: RoomSettings.parse(settings),
    deck: builtinDeck,
    facilitatorToken: "f".repeat(32),
    links: { join: "http://example/join/K7QXP", lanJoin: null },
    finishedAt: null,
  };
  await store.createRoom(record);
  const room = await Room.load(record, {
    store,
    clock,
    logger: createLogger("silent"),
    awayAfterMs: 5_000,
    ...deps,
  });
  return { room, clock };
}

/** What a peer attached as `who` should see now, built from scratch. */
async function expectedView(room: Room, peer: TestPeer): Promise<Omit<RoomView, "version"> | null> {
  const who = room.attachedAs(peer.id);
  if (!who) return null;
  const probe = new TestPeer();
  const watched = await room.watch(probe);
  room.detach(probe.id);
  if (!watched.ok) throw new Error("probe refused");
  const { version: _v, viewer: _w, me: _m, ...game } = viewFor(room.game, { kind: "host" });
  return {
    viewer: who.viewer,
    room: watched.data.session.view.room,
    game,
    me: who.viewer === "seat" ? seatPartOf(room.game, who.seatId) : null,
  };
}

async function expectEveryViewFresh(room: Room, peers: TestPeer[], where: string): Promise<void> {
  await room.idle();
  for (const peer of peers) {
    expect(peer.gaps, `${where}: ${peer.id} patch gaps`).toEqual([]);
    if (peer.ended || !peer.view) continue;
    const expected = await expectedView(room, peer);
    if (!expected) continue;
    const { version, ...seen } = peer.view;
    expect(seen, `${where}: ${peer.id} (${JSON.stringify(room.attachedAs(peer.id))})`).toEqual(expected);
    expect(version).toBeLessThanOrEqual(room.version);
  }
}

type Step =
  | { kind: "join"; peer: number; name: number }
  | { kind: "watch" }
  | { kind: "play"; peer: number; type: string; pick: number }
  | { kind: "control"; command: GameCommand }
  | { kind: "seatControl"; type: "seat:remove" | "seat:setBot" | "seat:assign"; seat: number; n: number }
  | { kind: "leave"; peer: number }
  | { kind: "drop"; peer: number }
  | { kind: "rejoin"; peer: number }
  | { kind: "sync"; peer: number }
  | { kind: "time"; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("join"), peer: fc.nat(30), name: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: "watch" }) },
  {
    weight: 40,
    arbitrary: fc.record({
      kind: fc.constant("play"),
      peer: fc.nat(30),
      type: fc.constantFrom(
        "card:select",
        "card:select",
        "card:select",
        "card:unselect",
        "card:show",
        "seat:lockIn",
        "seat:lockIn",
        "seat:unlock",
        "team:chooseReporting",
      ),
      pick: fc.nat(20),
    }),
  },
  {
    weight: 5,
    arbitrary: fc
      .constantFrom<GameCommand>(
        { type: "game:start" },
        { type: "game:pause" },
        { type: "game:resume" },
        { type: "round:forceReveal" },
        { type: "round:next" },
        { type: "game:setBots", fillWithBots: true },
      )
      .map((command): Step => ({ kind: "control", command })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("seatControl"),
      type: fc.constantFrom("seat:remove", "seat:setBot", "seat:assign"),
      seat: fc.nat(30),
      n: fc.nat(30),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: "control", command: { type: "game:end" } }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("leave"), peer: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop"), peer: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("rejoin"), peer: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sync"), peer: fc.nat(30) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("time"), ms: fc.integer({ min: 1_000, max: 70_000 }) }),
  },
) as fc.Arbitrary<Step>;

/** Room settings, and how many people join before the steps. */
const SETTINGS: [RoomSettingsInput, number][] = [
  [{ rounds: 3, teamSize: 4, fillWithBots: false, timerSeconds: null }, 5],
  [{ rounds: 3, teamSize: 8, fillWithBots: false, timerSeconds: null }, 7],
  [{ rounds: 4, teamSize: 3, fillWithBots: true, timerSeconds: 30, autoAdvanceSeconds: 5 }, 4],
  [{ rounds: 2, teamSize: 2, fillWithBots: true, botStrategy: "random", timerSeconds: null }, 3],
];

describe("a room's fan-out", () => {
  it("keeps every peer's patched view equal to a fresh viewFor, whatever happens", async () => {
    let id = 0;
    const nextId = () => `act-${String(++id).padStart(6, "0")}`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SETTINGS.keys()),
        fc.boolean(),
        fc.constantFrom(0, 200, 8 * 1024),
        fc.constantFrom("lobby", "reporting", "planning", "planning", "planning"),
        fc.array(stepArb, { minLength: 5, maxLength: 60 }),
        async (settingsIndex, viaPushAll, splitBoardBytes, startIn, steps) => {
          let bulk = 0;
          const [settings, people] = SETTINGS[settingsIndex] as [RoomSettingsInput, number];
          const { room, clock } = await openRoom(settings, {
            splitBoardBytes,
            pushAll: viaPushAll
              ? (peers, event, payload) => {
                  bulk++;
                  for (const peer of peers) peer.push(event, payload);
                }
              : undefined,
          });
          const facilitator = new TestPeer();
          facilitator.take(await room.facilitate("f".repeat(32), facilitator));
          const host = new TestPeer();
          host.take(await room.watch(host));
          const peers: TestPeer[] = [facilitator, host];
          /** Seat peers, with the token their last join gave them. */
          const players: { peer: TestPeer; token: string | null }[] = [];
          for (let i = 0; i < people; i++) {
            const peer = new TestPeer();
            const ack = await room.join(`Person ${i}`, nextId(), peer);
            peer.take(ack);
            players.push({ peer, token: ack.ok ? ack.data.seatToken : null });
            peers.push(peer);
          }
          if (startIn !== "lobby") await room.act("facilitator", nextId(), { type: "game:start" });
          if (startIn === "planning") await room.act("facilitator", nextId(), { type: "round:forceReveal" });
          await expectEveryViewFresh(room, peers, "set-up");
          const player = (n: number) => players[n % players.length] as (typeof players)[number];
          const seatAt = (n: number) =>
            room.game.seatOrder[n % Math.max(1, room.game.seatOrder.length)] ?? "nobody";
          for (const [i, step] of steps.entries()) {
            const where = `step ${i} ${JSON.stringify(step)}`;
            if (step.kind === "join") {
              // A new person, or an attached player's socket joining again under another name.
              const fresh = step.peer % 3 === 0;
              const entry = fresh ? { peer: new TestPeer(), token: null } : player(step.peer);
              const ack = await room.join(`Person ${step.name}`, nextId(), entry.peer);
              entry.peer.take(ack);
              if (ack.ok) entry.token = ack.data.seatToken;
              if (fresh) {
                players.push(entry);
                peers.push(entry.peer);
              }
            } else if (step.kind === "watch") {
              const peer = new TestPeer();
              peer.take(await room.watch(peer));
              peers.push(peer);
            } else if (step.kind === "play") {
              const { peer } = player(step.peer);
              const who = room.attachedAs(peer.id);
              if (who?.viewer !== "seat") continue;
              const seat = room.game.seats[who.seatId];
              if (!seat) continue;
              const from =
                step.type === "card:unselect"
                  ? seat.selected
                  : (peer.view?.me?.hand.map((c) => c.id) ?? handOf(room.game, seat));
              const cardId = from[step.pick % Math.max(1, from.length)] ?? "pm-write-prd";
              const round = room.game.round;
              const command = (
                step.type === "team:chooseReporting"
                  ? {
                      type: step.type,
                      seatId: who.seatId,
                      round,
                      side: step.pick % 2 ? "product" : "marketing",
                    }
                  : step.type.startsWith("card:")
                    ? { type: step.type, seatId: who.seatId, round, cardId }
                    : { type: step.type, seatId: who.seatId, round }
              ) as GameCommand;
              await room.act(`seat:${who.seatId}`, nextId(), command);
            } else if (step.kind === "control") {
              await room.act("facilitator", nextId(), step.command);
            } else if (step.kind === "seatControl") {
              const seatId = seatAt(step.seat);
              const command: GameCommand =
                step.type === "seat:remove"
                  ? { type: "seat:remove", seatId }
                  : step.type === "seat:setBot"
                    ? { type: "seat:setBot", seatId, bot: step.n % 2 ? "coordinated" : null }
                    : step.n % 2
                      ? { type: "seat:assign", seatId, teamId: room.game.teamOrder[step.n % 3] ?? "t1" }
                      : { type: "seat:assign", seatId, roles: step.n % 4 ? ["pm"] : ["cm", "support"] };
              await room.act("facilitator", nextId(), command);
            } else if (step.kind === "leave") {
              const { peer } = player(step.peer);
              const who = room.attachedAs(peer.id);
              if (who?.viewer === "seat") await room.leave(who.seatId, nextId(), peer);
            } else if (step.kind === "drop") {
              room.detach(player(step.peer).peer.id);
            } else if (step.kind === "rejoin") {
              const entry = player(step.peer);
              if (entry.token) entry.peer.take(await room.rejoin(entry.token, entry.peer));
            } else if (step.kind === "sync") {
              const { peer } = player(step.peer);
              if (room.attachedAs(peer.id)) peer.take(await room.sync(peer));
            } else {
              clock.advance(step.ms);
            }
            await expectEveryViewFresh(room, peers, where);
          }
          // Something was played and sent, not only set up.
          expect(peers.some((p) => p.patches > 0)).toBe(true);
          if (!viaPushAll) expect(bulk).toBe(0);
          room.close();
        },
      ),
      { numRuns: 50 },
    );
  });

  it("encodes a reveal's board part once for a team of eight, not once per seat", async () => {
    const calls: { peers: number; size: number }[] = [];
    const { room } = await openRoom(
      { rounds: 2, teamSize: 8, fillWithBots: false, timerSeconds: null },
      {
        pushAll: (peers, event, payload) => {
          calls.push({ peers: peers.length, size: JSON.stringify(payload).length });
          for (const peer of peers) (peer as TestPeer).push(event, payload, true);
        },
      },
    );
    const { facilitator, host, players } = await fillRoom(room, 8);
    await room.act("facilitator", "start-000001", { type: "game:start" });
    await room.act("facilitator", "force-000001", { type: "round:forceReveal" });
    expect(room.game.phase).toBe("planning");
    // Each player plays what it can afford, so the reveal has every play to show.
    for (const peer of players) {
      const me = peer.view?.me;
      if (!me) throw new Error("a player without a seat view");
      for (const card of me.hand) {
        const now = peer.view?.me?.hand.find((c) => c.id === card.id);
        if (now?.problem !== null) continue;
        await room.act(`seat:${me.seatId}`, `select-${me.seatId}-${card.id}`.slice(0, 64), {
          type: "card:select",
          seatId: me.seatId,
          round: 1,
          cardId: card.id,
        });
      }
    }
    calls.length = 0;
    const ownBytes = players.map((peer) => peer.bytes);
    for (const peer of players) peer.ownPatches = [];
    for (const seatId of room.game.seatOrder)
      await room.act(`seat:${seatId}`, `lock-${seatId.padStart(7, "0")}`, {
        type: "seat:lockIn",
        seatId,
        round: 1,
      });
    expect(room.game.phase).toBe("revealed");
    // Every play, score and meter: one payload for all ten sockets, each seat's cards after it.
    const reveal = calls.filter((call) => call.size > 2 * 1024);
    expect(reveal).toEqual([{ peers: 10, size: expect.any(Number) }]);
    // No seat got the reveal's board part again in a payload of its own.
    for (const [i, peer] of players.entries())
      expect(peer.bytes - (ownBytes[i] as number)).toBeLessThan(reveal[0]?.size ?? 0);
    // Locking in and the reveal change no card of anyone's hand (a card's problem leaves out what
    // stops the whole seat): of its own part, each seat was only told that it locked in.
    for (const peer of players)
      expect(peer.ownPatches.flat().filter((op) => op.p[0] === "me")).toEqual([
        { p: ["me", "locked"], v: true },
      ]);
    // The cards a seat could not afford still say so while it is locked in.
    const problems = players.flatMap((peer) => peer.view?.me?.hand.map((card) => card.problem?.code) ?? []);
    expect(problems).not.toContain("action/locked");
    expect(problems).not.toContain("action/wrong_phase");
    await expectEveryViewFresh(room, [facilitator, host, ...players], "after the reveal");
    room.close();
  });

  it("sends one board-only payload to everyone who sees only the board (an all-hands round)", async () => {
    const calls: { peers: number; payload: unknown }[] = [];
    const { room } = await openRoom(
      { rounds: 2, teamSize: 5, fillWithBots: false, timerSeconds: null },
      {
        pushAll: (peers, event, payload) => {
          calls.push({ peers: peers.length, payload });
          for (const peer of peers) peer.push(event, payload);
        },
      },
    );
    const { facilitator, host, players } = await fillRoom(room, 200);
    expect(room.game.teamOrder).toHaveLength(40);
    await room.act("facilitator", "start-000001", { type: "game:start" });
    await room.act("facilitator", "force-000001", { type: "round:forceReveal" });
    expect(room.game.phase).toBe("planning");
    calls.length = 0;
    const lockerId = room.game.seatOrder[0] as string;
    await room.act(`seat:${lockerId}`, "lock-0000001", { type: "seat:lockIn", seatId: lockerId, round: 1 });
    // Only the locker's own part changes (its hand says it is locked in); its teammates see the
    // lock-in on the board, like the other 195 players, the host and the facilitator: one payload
    // for the 201 of them.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.peers).toBe(201);
    await expectEveryViewFresh(room, [facilitator, host, ...players], "after a lock-in");
    // The reveal: the board's part (40 teams' scores) is big, so it goes once to all 202 peers,
    // and each seat's own part follows as a patch of the same version.
    calls.length = 0;
    for (const seatId of room.game.seatOrder.slice(1))
      await room.act(`seat:${seatId}`, `lock-${seatId.padStart(7, "0")}`, {
        type: "seat:lockIn",
        seatId,
        round: 1,
      });
    expect(room.game.phase).toBe("revealed");
    expect(calls.at(-1)?.peers).toBe(202);
    expect(JSON.stringify(calls.at(-1)?.payload).length).toBeGreaterThan(8 * 1024);
    await expectEveryViewFresh(room, [facilitator, host, ...players], "after the reveal");
    room.close();
  });
});

describe("seat and facilitator tokens", () => {
  it("are 32 URL-safe characters and never repeat, across many refills of their random pool", () => {
    const tokens = Array.from({ length: 2_000 }, () => newToken());
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
