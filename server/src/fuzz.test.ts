/**
 * Property-based fuzzing of every client event (session, player and facilitator requests) against a
 * real server, from real socket.io-client sockets attached as a seat, the facilitator, a host
 * screen, the reference client and a socket attached to nothing. Payloads are random and hostile:
 * wrong types, missing and unknown keys, `__proto__` and `constructor` keys, huge strings, deep
 * nesting, binary attachments, the wrong number of arguments, unknown event names, missing ack
 * callbacks, floods and hand-made packets (see `testing/fuzz-arbitraries.ts`).
 *
 * For every message the answer is the one docs/PROTOCOL.md gives (worked out from what socket.io
 * puts on the wire): a typed error ack with a known code, or nothing for a request without an ack.
 * A refused message changes nothing: the room's version and state stay the same, every socket stays
 * attached as it was, and no socket in the room receives any push. Afterwards the room's
 * invariants hold (seats and teams agree, energy spent is within the budget, the log replays to
 * the state, every screen's patched view equals the server's), /healthz answers, and a newcomer
 * still joins.
 */
import {
  ackSchemaFor,
  applyCommand,
  createGame,
  energyOf,
  handOf,
  type RequestName,
  RoomView,
} from "@boxless/shared";
import fc from "fast-check";
import { io, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { GameConnection } from "../../client/src/net/connection";
import type { ServerConfig } from "./app";
import type { Room } from "./rooms/room";
import {
  describeMessage,
  type Expected,
  expectedAnswer,
  type FuzzContext,
  type FuzzMessage,
  hostileMessage,
  isTypedError,
  MUTATIONS,
  REQUEST_NAMES,
  wellShapedMessage,
} from "./testing/fuzz-arbitraries";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards } from "./testing/play";
import { openTable, startPlanning } from "./testing/setup";

/** Limits out of the way, so that hundreds of messages from one socket and address meet the checks under test. */
const RELAXED: Partial<ServerConfig> = {
  limits: { eventsPerSecond: 100_000, eventBurst: 100_000, floodDisconnectAfter: 100_000 },
  failedJoinsPerMinute: 100_000,
  roomsPerMinute: 100_000,
};
const DEFAULT_LIMITS = { eventsPerSecond: 10, eventBurst: 20, floodDisconnectAfter: 40 };
const ACK_TIMEOUT_MS = 3_000;

const servers: TestServer[] = [];
const opened: Socket[] = [];
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.close();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(config: Partial<ServerConfig> = RELAXED): Promise<TestServer> {
  const server = await startServer({ config });
  servers.push(server);
  return server;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rawSocket(url: string): Socket {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  opened.push(socket);
  return socket;
}

async function connectedSocket(url: string): Promise<Socket> {
  const socket = rawSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

async function attachedSocket(url: string, event: RequestName, payload: object): Promise<Socket> {
  const socket = await connectedSocket(url);
  const ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as { ok: boolean };
  if (!ack.ok) throw new Error(`fixture: ${event} refused: ${JSON.stringify(ack)}`);
  return socket;
}

// ─── a fuzzed room ────────────────────────────────────────────────────────────

const SENDERS = ["seat", "facilitator", "host", "stranger", "player"] as const;
type SenderName = (typeof SENDERS)[number];

interface Fixture {
  t: TestServer;
  code: string;
  room: Room;
  facilitator: GameConnection;
  host: GameConnection;
  players: GameConnection[];
  /** Where fuzzed messages come from: raw sockets attached as a second device of player 1's seat, as
   * the facilitator and as a host screen, one attached to nothing, and player 2's reference client. */
  senders: Record<SenderName, Socket>;
  /** Every socket in play, honest or not, by name. */
  sockets: Map<string, Socket>;
  /** Pushes received since the last reset, by socket name. */
  pushes: { who: string; event: string }[];
  ctx: FuzzContext;
}

/** A room in round 1's planning: two teams of two people, a facilitator, a host screen, the senders. */
async function fuzzRoom(t: TestServer): Promise<Fixture> {
  const table = await openTable(t, 4, { rounds: 3, teamSize: 2 });
  await startPlanning(table);
  const { code, facilitatorToken, facilitator, host, players, tokens } = table;
  const room = t.server.rooms.all().find((r) => r.code === code);
  if (!room) throw new Error("fixture: no room on the server");
  const senders: Record<SenderName, Socket> = {
    seat: await attachedSocket(t.url, "room:rejoin", { code, seatToken: tokens[0] }),
    facilitator: await attachedSocket(t.url, "room:facilitate", { code, facilitatorToken }),
    host: await attachedSocket(t.url, "room:watch", { code }),
    stranger: await connectedSocket(t.url),
    player: (players[1] as GameConnection).socket,
  };
  await room.idle();
  const sockets = new Map<string, Socket>([
    ["facilitator (reference client)", facilitator.socket],
    ["host (reference client)", host.socket],
    ...players.map((p, i) => [`player ${i + 1} (reference client)`, p.socket] as [string, Socket]),
    ...(["seat", "facilitator", "host", "stranger"] as const).map(
      (name) => [`${name} (raw sender)`, senders[name]] as [string, Socket],
    ),
  ]);
  const fx: Fixture = {
    t,
    code,
    room,
    facilitator,
    host,
    players,
    senders,
    sockets,
    pushes: [],
    ctx: {
      codes: [code],
      tokens: [facilitatorToken, ...tokens],
      seatIds: room.game.seatOrder,
      teamIds: room.game.teamOrder,
      cardIds: [
        ...new Set(
          room.game.seatOrder.flatMap((id) => {
            const seat = room.game.seats[id];
            return seat ? handOf(room.game, seat) : [];
          }),
        ),
      ],
    },
  };
  for (const [who, socket] of sockets) socket.onAny((event: string) => fx.pushes.push({ who, event }));
  return fx;
}

/**
 * Wait until the server has dealt with everything sent so far: the room's queue is empty and every
 * socket has had the answer to a later message (a socket's packets are handled, and its pushes
 * delivered, in order).
 */
async function settle(fx: Fixture): Promise<void> {
  await fx.room.idle();
  await Promise.all(
    [...fx.sockets.values()]
      .filter((s) => s.connected)
      .map((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck("fuzz:barrier", {})),
  );
  await fx.room.idle();
}

type Delivery = { answered: true; ack: unknown } | { answered: false; why: string };

async function deliver(socket: Socket, message: FuzzMessage): Promise<Delivery> {
  try {
    if (!message.ack) {
      socket.emit(message.event, ...message.args);
      return { answered: false, why: "no ack callback" };
    }
    const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(message.event, ...message.args);
    return { answered: true, ack };
  } catch (error) {
    return { answered: false, why: String(error) };
  }
}

interface Snapshot {
  version: number;
  game: Room["game"];
  attached: Map<string, unknown>;
}

function snapshot(fx: Fixture): Snapshot {
  return {
    version: fx.room.version,
    game: fx.room.game,
    attached: new Map([...fx.sockets].map(([who, s]) => [who, fx.room.attachedAs(s.id ?? "")])),
  };
}

/** A refused or ignored message left everything as it was and reached nobody. */
function expectUntouched(fx: Fixture, before: Snapshot, what: string): void {
  expect(fx.pushes, `pushes after ${what}`).toEqual([]);
  expect(fx.room.version, `version after ${what}`).toBe(before.version);
  // The engine never mutates a state: an unchanged game is the very same object.
  expect(fx.room.game === before.game, `state after ${what}`).toBe(true);
  const attached = new Map([...fx.sockets].map(([who, s]) => [who, fx.room.attachedAs(s.id ?? "")]));
  expect(attached, `attachments after ${what}`).toEqual(before.attached);
  const dropped = [...fx.sockets].filter(([, s]) => !s.connected).map(([who]) => who);
  expect(dropped, `sockets disconnected after ${what}`).toEqual([]);
}

/** The answer a message got matches what the protocol says, for a message that must be refused or ignored. */
function expectRefusal(expected: Expected, delivery: Delivery, what: string): void {
  if (expected.kind === "ignored") {
    expect(delivery, what).toEqual({ answered: false, why: "no ack callback" });
    return;
  }
  if (expected.kind !== "refused") throw new Error(`not a refusal: ${expected.kind} (${what})`);
  expect(delivery.answered, `${what}: ${delivery.answered ? "" : delivery.why}`).toBe(true);
  if (!delivery.answered) return;
  expect(delivery.ack, what).toEqual({
    ok: false,
    error: { code: expected.code, message: expect.any(String) },
  });
  expect(isTypedError(delivery.ack), what).toBe(true);
}

/** Seats and teams agree, energy is within budgets, the log replays to the state, and every screen's view is right. */
async function expectConsistent(fx: Fixture): Promise<void> {
  const { room } = fx;
  await settle(fx);
  const game = room.game;
  expect(new Set(game.seatOrder).size).toBe(game.seatOrder.length);
  expect([...game.seatOrder].sort()).toEqual(Object.keys(game.seats).sort());
  expect([...game.teamOrder].sort()).toEqual(Object.keys(game.teams).sort());
  for (const id of game.seatOrder) {
    const seat = game.seats[id];
    if (!seat) throw new Error(`seat ${id} in seatOrder is missing`);
    expect(seat.id).toBe(id);
    if (seat.teamId !== null) expect(game.teams[seat.teamId], `team of ${id}`).toBeDefined();
    expect(new Set(seat.selected).size, `${id} selected twice`).toBe(seat.selected.length);
    const energy = energyOf(game, id);
    expect(energy.spent, `energy of ${id}`).toBeLessThanOrEqual(energy.budget);
    expect(energy.left, `energy of ${id}`).toBeGreaterThanOrEqual(0);
    if (game.phase === "planning") {
      const hand = new Set(handOf(game, seat));
      for (const card of seat.selected)
        expect(hand.has(card), `${id} chose ${card} from its hand`).toBe(true);
    }
  }

  // The log: one entry per version, each action id once per actor, and it replays to this state.
  const entries = await fx.t.store.entries(fx.code);
  expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  expect(entries.length).toBe(room.version);
  const ids = entries.filter((e) => e.actionId).map((e) => `${e.actor}|${e.actionId}`);
  expect(new Set(ids).size).toBe(ids.length);
  const { settings, deck, seed } = room.record;
  const created = createGame(
    {
      rounds: settings.rounds,
      teamSize: settings.teamSize,
      fillWithBots: settings.fillWithBots,
      botStrategy: settings.botStrategy,
    },
    deck,
    seed,
  );
  if (!created.ok) throw new Error(created.error.message);
  let replayed = created.value;
  for (const entry of entries) {
    if (!entry.command) continue;
    const applied = applyCommand(replayed, entry.command);
    expect(applied.ok, `replay of #${entry.seq}`).toBe(true);
    if (applied.ok) replayed = applied.state;
  }
  expect(replayed).toEqual(game);

  // Every reference client still attached: its view (kept by patches) parses and is the server's.
  // (Fuzzed room:leave or room:watch… sent down a reference client's own socket detach or move it
  // behind the client's back: the server then answers the sync as documented for what it is now.)
  for (const client of [fx.facilitator, fx.host, ...fx.players]) {
    if (client.status !== "online" || !client.view || !client.socket.connected) continue;
    const who = room.attachedAs(client.socket.id ?? "");
    const synced = (await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("room:sync", {})) as {
      ok: boolean;
      data: { session: { view: unknown } };
    };
    if (!who) {
      expect(synced).toMatchObject({ ok: false, error: { code: "auth/not_in_room" } });
      continue;
    }
    expect(synced.ok).toBe(true);
    const moved =
      who.viewer !== client.view.viewer || (who.viewer === "seat" ? who.seatId : null) !== client.seatId;
    if (moved) continue;
    expect(RoomView.safeParse(client.view).success).toBe(true);
    // An entry that changes no view (a hand-over) moves the version without a patch: only the
    // content must agree, and the client's version may lag, never lead.
    const server = synced.data.session.view as RoomView;
    expect({ ...client.view, version: 0 }).toEqual({ ...server, version: 0 });
    expect(client.view.version).toBeLessThanOrEqual(server.version);
  }
  const shown = (fx.host.view?.game.teams ?? []).flatMap((team) =>
    team.seats.map((s) => `${team.id}/${s.id}`),
  );
  const seated = game.seatOrder
    .filter((id) => game.seats[id]?.teamId)
    .map((id) => `${game.seats[id]?.teamId}/${id}`);
  expect(shown.sort()).toEqual(seated.sort());
}

/** The server still answers /healthz, and a newcomer joins the room and sees it. */
async function expectServing(fx: Fixture, name: string): Promise<void> {
  const health = await fetch(`${fx.t.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok" });
  const newcomer = fx.t.client();
  const joined = ok(await newcomer.join(fx.code, name));
  expect(joined.session.view.room.code).toBe(fx.code);
  expect(RoomView.safeParse(joined.session.view).success).toBe(true);
}

interface Step {
  from: SenderName;
  message: FuzzMessage;
}

/** fast-check's report, with each message shortened (huge strings and deep nesting make the default unreadable). */
function reportSteps(details: fc.RunDetails<[Step[]]>): void {
  if (!details.failed) return;
  const steps = (details.counterexample?.[0] ?? [])
    .map(({ from, message }) => `  ${from}: ${describeMessage(message)}`)
    .join("\n");
  const error = details.errorInstance;
  throw new Error(
    `Property failed after ${details.numRuns} run(s) (seed ${details.seed}, path "${details.counterexamplePath}"), on:\n${steps}\n${
      error instanceof Error ? (error.stack ?? error.message) : String(error)
    }`,
  );
}

const refusedOrIgnored = (m: FuzzMessage) => {
  const kind = expectedAnswer(m).kind;
  return kind === "refused" || kind === "ignored";
};

/**
 * Ids for messages generated before their room exists: the code, the tokens (long enough to pass
 * the schema, like real ones) and cards by index are bound to each run's room when sent; seat and
 * team ids are the ones every room of this shape has.
 */
const SYMBOLIC: FuzzContext = {
  codes: ["@CODE"],
  tokens: ["@facilitator-token-0000", "@seat-token-1-000000", "@seat-token-2-000000", "@seat-token-3-000000"],
  seatIds: ["s1", "s2", "s3", "s4"],
  teamIds: ["t1", "t2"],
  cardIds: Array.from({ length: 12 }, (_, i) => `@card-${i}`),
};

/** Binds symbolic ids in a payload (not below a few levels: deeply nested junk holds none). */
function bindValue(value: unknown, bind: (s: string) => string, depth = 0): unknown {
  if (typeof value === "string") return bind(value);
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => bindValue(v, bind, depth + 1));
  if (
    value === null ||
    typeof value !== "object" ||
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer
  )
    return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    Object.defineProperty(out, bind(key), {
      value: bindValue((value as Record<string, unknown>)[key], bind, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** A message generated with SYMBOLIC ids, aimed at this fixture's room. */
function bindMessage(message: FuzzMessage, fx: Fixture): FuzzMessage {
  const tokens = new Map(SYMBOLIC.tokens.map((symbol, i) => [symbol, fx.ctx.tokens[i] ?? symbol]));
  const cards = fx.ctx.cardIds;
  const bind = (s: string): string => {
    const token = tokens.get(s);
    if (token) return token;
    const card = /^@card-(\d+)$/.exec(s);
    if (card && cards.length > 0) return cards[Number(card[1]) % cards.length] as string;
    return s.includes("@CODE") || s.includes("@code")
      ? s.replaceAll("@CODE", fx.code).replaceAll("@code", fx.code.toLowerCase())
      : s;
  };
  return { ...message, args: message.args.map((arg) => bindValue(arg, bind)) };
}

// ─── the properties ───────────────────────────────────────────────────────────

describe("fuzzed requests", () => {
  it("are refused with the documented code, or ignored without an ack, and change nothing for anyone", async () => {
    const t = await serve();
    const fx = await fuzzRoom(t);
    const sent = {
      events: new Set<string>(),
      mutations: new Set<string>(),
      from: new Set<string>(),
      count: 0,
    };
    const steps = fc.array(
      fc.record({
        from: fc.constantFrom(...SENDERS),
        message: hostileMessage(fx.ctx).filter(refusedOrIgnored),
      }),
      { minLength: 1, maxLength: 10 },
    );
    await fc.assert(
      fc.asyncProperty(steps, async (run) => {
        for (const { from, message } of run) {
          const what = `${from}: ${describeMessage(message)}`;
          await settle(fx);
          fx.pushes.length = 0;
          const before = snapshot(fx);
          const delivery = await deliver(fx.senders[from], message);
          await settle(fx);
          expectRefusal(expectedAnswer(message), delivery, what);
          expectUntouched(fx, before, what);
          sent.events.add(message.event);
          sent.mutations.add(message.mutation);
          sent.from.add(from);
          sent.count++;
        }
      }),
      { numRuns: 100, reporter: reportSteps },
    );
    // The run covered what it claims to: every request, every hostile mutation, every sender.
    expect(sent.count).toBeGreaterThanOrEqual(100);
    for (const event of REQUEST_NAMES) expect(sent.events, event).toContain(event);
    for (const mutation of MUTATIONS.filter((m) => m !== "valid" && m !== "oversize"))
      expect(sent.mutations, mutation).toContain(mutation);
    expect([...sent.from].sort()).toEqual([...SENDERS].sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    await expectConsistent(fx);
    await expectServing(fx, "Newcomer");
    // The honest players play on.
    const me = fx.players[2] as GameConnection;
    const [cardId] = affordableCards(me, 1);
    ok(await me.play("card:select", { cardId: cardId as string }));
  });

  it("with the right shape but adversarial values get a typed answer; refused ones change nothing", async () => {
    const t = await serve();
    const answers = new Map<string, number>();
    const steps = fc.array(
      fc.record({
        from: fc.constantFrom(...SENDERS),
        message: fc.oneof(
          { weight: 3, arbitrary: wellShapedMessage(SYMBOLIC) },
          { weight: 1, arbitrary: hostileMessage(SYMBOLIC) },
        ),
      }),
      { minLength: 1, maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(steps, async (run) => {
        const fx = await fuzzRoom(t);
        try {
          for (const { from, message: symbolic } of run) {
            // Aimed at this run's room: its code, tokens and cards.
            const message = bindMessage(symbolic, fx);
            const what = `${from}: ${describeMessage(message)}`;
            const expected = expectedAnswer(message);
            const socket = fx.senders[from];
            if (expected.kind === "closed" || expected.kind === "borderline" || !socket.connected) continue;
            await settle(fx);
            fx.pushes.length = 0;
            const before = snapshot(fx);
            const delivery = await deliver(socket, message);
            await settle(fx);
            if (expected.kind !== "judged") {
              expectRefusal(expected, delivery, what);
              expectUntouched(fx, before, what);
              continue;
            }
            expect(delivery.answered, `${what}: ${delivery.answered ? "" : delivery.why}`).toBe(true);
            if (!delivery.answered) continue;
            const ack = delivery.ack as { ok: boolean; error?: { code: string } };
            const code = ack.ok ? "ok" : (ack.error?.code ?? "?");
            answers.set(code, (answers.get(code) ?? 0) + 1);
            const shape = ackSchemaFor(expected.event).safeParse(ack);
            expect(shape.success, `${what}: ack ${JSON.stringify(ack).slice(0, 300)}`).toBe(true);
            if (ack.ok) {
              expect(fx.room.version, what).toBeGreaterThanOrEqual(before.version);
            } else {
              expect(isTypedError(ack), `${what}: ${JSON.stringify(ack)}`).toBe(true);
              expectUntouched(fx, before, what);
            }
          }
          await expectConsistent(fx);
        } finally {
          for (const client of [fx.facilitator, fx.host, ...fx.players]) client.close();
          for (const socket of Object.values(fx.senders)) socket.close();
        }
      }),
      // Each run builds a room: report the first failure as it is (its message is in the assertion) rather than shrink.
      { numRuns: 25, endOnFailure: true, reporter: reportSteps },
    );
    // Both kinds of answer were seen, from the rules as well as from the wire.
    expect(answers.get("ok") ?? 0).toBeGreaterThan(0);
    const codes = [...answers.keys()];
    expect(codes.some((code) => /^(action|seat|game|team)\//.test(code))).toBe(true);
    expect(codes.some((code) => /^(auth|room)\//.test(code))).toBe(true);
    const health = await fetch(`${t.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });
});

// ─── floods, with the default limits ─────────────────────────────────────────

describe("a fuzzed flood", () => {
  it("is answered with rate/limited past the burst and disconnected by the flood guard, whatever it holds", async () => {
    const t = await serve({ ...RELAXED, limits: DEFAULT_LIMITS });
    const fx = await fuzzRoom(t);
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileMessage(fx.ctx).filter(refusedOrIgnored), { minLength: 80, maxLength: 150 }),
        fc.boolean(),
        async (messages, silent) => {
          const flood = silent ? messages.map((m) => ({ ...m, ack: false })) : messages;
          const flooder = await attachedSocket(t.url, "room:watch", { code: fx.code });
          await sleep(150); // let the observers' buckets and the room settle
          await settle(fx);
          fx.pushes.length = 0;
          const before = snapshot(fx);
          const answers: { message: FuzzMessage; ack: unknown }[] = [];
          const gone = new Promise<string>((resolve) =>
            flooder.once("disconnect", (reason) => resolve(reason)),
          );
          const started = performance.now();
          for (const message of flood)
            if (message.ack)
              flooder.emit(message.event, ...message.args, (ack: unknown) => answers.push({ message, ack }));
            else flooder.emit(message.event, ...message.args);
          const reason = await Promise.race([gone, sleep(5_000).then(() => "still connected")]);
          const seconds = (performance.now() - started) / 1000;
          expect(reason).toBe("io server disconnect");

          const limited = answers.filter(({ ack }) => isTypedError(ack) && ack.error.code === "rate/limited");
          const judged = answers.filter(
            ({ ack }) => !(isTypedError(ack) && ack.error.code === "rate/limited"),
          );
          // At most the burst (plus what refilled meanwhile) was let through, each with its documented answer.
          expect(judged.length).toBeLessThanOrEqual(20 + Math.ceil(seconds * 10));
          for (const { message, ack } of judged) {
            const expected = expectedAnswer(message);
            expectRefusal(expected, { answered: true, ack }, describeMessage(message));
          }
          // Refusals past the limit are answered until the guard disconnects (more than 40 of them).
          expect(limited.length).toBeLessThanOrEqual(40);
          if (silent) expect(answers).toEqual([]);

          await settle(fx);
          expect(fx.room.attachedAs(flooder.id ?? "")).toBeNull();
          expectUntouched(fx, before, "the flood");
        },
      ),
      { numRuns: 6 },
    );
    await expectConsistent(fx);
    await expectServing(fx, "After The Flood");
  });
});

// ─── hand-made packets ────────────────────────────────────────────────────────

interface RawPacket {
  label: string;
  /** engine.io messages to send: socket.io packets as text, then any binary attachments. */
  frames: (string | Buffer)[];
  /** "ack": an error ack with this code; "closed": the server closes the connection; "ignored": nothing. */
  outcome: { ack: string } | "closed" | "ignored";
}

const RAW_PACKETS: RawPacket[] = [
  { label: "a reserved event name", frames: ['21["disconnect",{}]'], outcome: "closed" },
  { label: "another reserved name", frames: ['21["newListener",{}]'], outcome: "closed" },
  { label: "an empty event", frames: ["21[]"], outcome: "closed" },
  { label: "an object for the event", frames: ['21{"event":"room:sync"}'], outcome: "closed" },
  { label: "broken JSON", frames: ['21["room:sync",{}'], outcome: "closed" },
  { label: "an object as the name", frames: ['21[{"x":1},{}]'], outcome: "closed" },
  { label: "null as the name", frames: ["21[null,{}]"], outcome: "closed" },
  { label: "an unknown packet type", frames: ['91["room:sync",{}]'], outcome: "closed" },
  { label: "a number as the name", frames: ["21[7,{}]"], outcome: { ack: "request/unknown_event" } },
  { label: "a huge number as the name", frames: ["21[1e400,{}]"], outcome: { ack: "request/unknown_event" } },
  { label: "no ack id", frames: ['2["room:sync",{}]'], outcome: "ignored" },
  { label: "an ack for nothing", frames: ['3999["x"]'], outcome: "ignored" },
  // socket.io closes a connection that sends to a namespace it has not joined.
  { label: "another namespace", frames: ['2/nope,1["room:sync",{}]'], outcome: "closed" },
  {
    label: "a placeholder in a plain event",
    frames: ['21["room:sync",{"_placeholder":true,"num":0}]'],
    outcome: { ack: "request/invalid" },
  },
  {
    label: "a binary payload by placeholder",
    frames: ['51-1["room:sync",{"_placeholder":true,"num":0}]', Buffer.from([1, 2, 3])],
    outcome: { ack: "request/invalid" },
  },
  {
    label: "a placeholder past the attachments",
    frames: ['51-1["room:sync",{"_placeholder":true,"num":5}]', Buffer.from([1])],
    outcome: "closed",
  },
  {
    label: "text where an attachment should be",
    frames: ['51-1["room:sync",{"_placeholder":true,"num":0}]', '21["room:sync",{}]'],
    outcome: "closed",
  },
  {
    label: "a binary packet with a placeholder under __proto__",
    frames: ['51-1["room:sync",{"__proto__":{"_placeholder":true,"num":0}}]', Buffer.from([1])],
    outcome: { ack: "request/invalid" },
  },
];

describe("hand-made packets", () => {
  it("get the parser's refusal (the connection closed), a typed error ack, or nothing; the room is untouched", async () => {
    const t = await serve();
    const fx = await fuzzRoom(t);
    const outcomes: Record<string, unknown> = {};
    const wanted: Record<string, unknown> = {};
    for (const packet of RAW_PACKETS) {
      const socket = await attachedSocket(t.url, "room:watch", { code: fx.code });
      const acks: unknown[] = [];
      socket.io.on("packet", (p: { type: number; id?: number; data?: unknown }) => {
        if (p.type === 3 && p.id === 1) acks.push(...((p.data as unknown[]) ?? []));
      });
      const closed = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
      await settle(fx);
      fx.pushes.length = 0;
      const before = snapshot(fx);
      for (const frame of packet.frames) socket.io.engine.send(frame as string);
      const answered = waitFor(() => acks.length > 0, "an ack", 1_000).then(
        () => (isTypedError(acks[0]) ? { ack: acks[0].error.code } : { untyped: acks[0] }),
        () => (socket.connected ? "ignored" : "closed"),
      );
      outcomes[packet.label] = await Promise.race([closed.then(() => "closed"), answered]);
      wanted[packet.label] = packet.outcome;
      await settle(fx);
      expectUntouched(fx, before, packet.label);
      socket.close();
    }
    expect(outcomes).toEqual(wanted);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectConsistent(fx);
    await expectServing(fx, "Packet Survivor");
  });
});
