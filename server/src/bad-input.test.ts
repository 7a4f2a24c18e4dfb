/**
 * Hostile clients against a real server: malformed payloads for every request, forged or missing
 * credentials, illegal moves, oversized and odd messages, floods, guessed room codes and foreign
 * origins. Every refusal is answered with the right error code, reaches nobody else in the room and
 * leaves the room exactly as it was; the server stays up and honest players keep playing.
 */
import {
  type Ack,
  FACILITATOR_REQUESTS,
  PLAYER_REQUESTS,
  REQUESTS,
  type RequestName,
  SESSION_REQUESTS,
} from "@boxless/shared";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { GameConnection } from "../../client/src/net/connection";
import type { ServerConfig } from "./app";
import type { Room } from "./rooms/room";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards } from "./testing/play";
import { openTable, startPlanning } from "./testing/setup";

type Payload = Record<string, unknown>;
type AnyAck = Ack<unknown>;

/** Generous limits, so that hundreds of hostile requests from one address meet the checks under test. */
const RELAXED: Partial<ServerConfig> = {
  limits: { eventsPerSecond: 100_000, eventBurst: 100_000, floodDisconnectAfter: 100_000 },
  failedJoinsPerMinute: 100_000,
};
const DEFAULT_LIMITS = { eventsPerSecond: 10, eventBurst: 20, floodDisconnectAfter: 40 };
/** No room can have this code: Z is not in the room code alphabet. */
const NO_SUCH_ROOM = "ZZZZZ";
const MADE_UP_TOKEN = "madeUpTokenmadeUpTokenmadeUpToken";
const ACTION_ID = "hostile-action-01";

const PLAYER_EVENTS = Object.keys(PLAYER_REQUESTS) as (keyof typeof PLAYER_REQUESTS)[];
const FACILITATOR_EVENTS = Object.keys(FACILITATOR_REQUESTS) as (keyof typeof FACILITATOR_REQUESTS)[];
const ALL_EVENTS = Object.keys(REQUESTS) as RequestName[];

const servers: TestServer[] = [];
const hostile: Socket[] = [];
let pushes: { who: string; event: string }[] = [];

afterEach(async () => {
  for (const socket of hostile.splice(0)) socket.close();
  for (const server of servers.splice(0)) await server.close();
  pushes = [];
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(config: Partial<ServerConfig> = RELAXED): Promise<TestServer> {
  const server = await startServer({ config });
  servers.push(server);
  return server;
}

/** Count every push a socket receives (socket.io-client's onAny sees incoming events only, not acks). */
function countPushes(who: string, socket: Socket): void {
  socket.onAny((event: string) => pushes.push({ who, event }));
}

/** A raw socket.io-client socket, as a hostile program would open one. */
function rawSocket(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, ...options });
  hostile.push(socket);
  return socket;
}

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve(socket);
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => reject(error));
  });
}

/** Whether a socket gets in: "connected", or "refused" on a connect_error. */
function outcome(socket: Socket): Promise<"connected" | "refused"> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", () => resolve("refused"));
  });
}

async function stranger(url: string, who = "stranger"): Promise<Socket> {
  const socket = await connected(rawSocket(url));
  countPushes(who, socket);
  return socket;
}

/** Emit with an ack callback and wait (at most 3 s) for the answer. */
function ask(socket: Socket, event: string, ...args: unknown[]): Promise<AnyAck> {
  return socket.timeout(3_000).emitWithAck(event, ...args) as Promise<AnyAck>;
}

function expectError(ack: AnyAck, code: string, what = ""): void {
  expect(ack, what).toMatchObject({ ok: false, error: { code } });
  if (!ack.ok) {
    expect(typeof ack.error.message, what).toBe("string");
    expect(ack.error.message.length, what).toBeGreaterThan(0);
  }
}

interface Fixture {
  t: TestServer;
  code: string;
  facilitatorToken: string;
  facilitator: GameConnection;
  host: GameConnection;
  players: GameConnection[];
  room: Room;
}

/**
 * A room in round 1's planning: a facilitator, a host screen and four people in two teams of two,
 * no bots, no timer. Every socket counts the pushes it gets.
 */
async function planningRoom(config: Partial<ServerConfig> = RELAXED): Promise<Fixture> {
  const t = await serve(config);
  const table = await openTable(t, 4, { rounds: 3, teamSize: 2 });
  await startPlanning(table);
  const { code, facilitatorToken, facilitator, host, players } = table;
  const room = t.server.rooms.all().find((r) => r.code === code);
  if (!room) throw new Error("no room on the server");
  await room.idle();
  countPushes("facilitator", facilitator.socket);
  countPushes("host", host.socket);
  for (const [i, player] of players.entries()) countPushes(`player ${i + 1}`, player.socket);
  return {
    t,
    code,
    facilitatorToken,
    facilitator,
    host,
    players,
    room,
  };
}

function seatOf(player: GameConnection): string {
  if (!player.seatId) throw new Error("not seated");
  return player.seatId;
}

/**
 * Run hostile requests and check they changed nothing: no socket got a push, the room's version,
 * game state and attached sockets are as they were.
 */
async function unchanged<T>(fx: Fixture, action: () => Promise<T>): Promise<T> {
  await fx.room.idle();
  await sleep(30);
  const version = fx.room.version;
  const game = structuredClone(fx.room.game);
  const honest = [fx.facilitator, fx.host, ...fx.players];
  const attached = honest.map((c) => fx.room.attachedAs(c.socket.id ?? ""));
  const peers = fx.room.peerCount;
  pushes = [];
  const result = await action();
  await sleep(100);
  await fx.room.idle();
  expect(pushes, "pushes after refused requests").toEqual([]);
  expect(fx.room.version).toBe(version);
  expect(fx.room.game).toEqual(game);
  expect(honest.map((c) => fx.room.attachedAs(c.socket.id ?? ""))).toEqual(attached);
  expect(fx.room.peerCount).toBe(peers);
  return result;
}

// ─── malformed payloads ───────────────────────────────────────────────────────

/** A payload of the right shape for each request (most fields filled, optional ones too). */
const VALID: Record<RequestName, Payload> = {
  "room:join": { code: NO_SUCH_ROOM, name: "Mallory", actionId: ACTION_ID },
  "room:rejoin": { code: NO_SUCH_ROOM, seatToken: MADE_UP_TOKEN, lastVersion: 0 },
  "room:watch": { code: NO_SUCH_ROOM },
  "room:facilitate": { code: NO_SUCH_ROOM, facilitatorToken: MADE_UP_TOKEN },
  "room:sync": {},
  "room:leave": { actionId: ACTION_ID },
  "team:chooseReporting": {
    actionId: ACTION_ID,
    round: 1,
    phase: "reporting",
    seatId: "s2",
    side: "product",
  },
  "card:select": { actionId: ACTION_ID, round: 1, phase: "planning", seatId: "s2", cardId: "pm-write-prd" },
  "card:unselect": { actionId: ACTION_ID, round: 1, phase: "planning", seatId: "s2", cardId: "pm-write-prd" },
  "card:show": { actionId: ACTION_ID, round: 1, phase: "planning", seatId: "s2", cardId: "pm-write-prd" },
  "seat:lockIn": { actionId: ACTION_ID, round: 1, phase: "planning", seatId: "s2" },
  "seat:unlock": { actionId: ACTION_ID, round: 1, phase: "planning", seatId: "s2" },
  "game:start": { actionId: ACTION_ID },
  "game:pause": { actionId: ACTION_ID },
  "game:resume": { actionId: ACTION_ID },
  "round:forceReveal": { actionId: ACTION_ID },
  "round:next": { actionId: ACTION_ID },
  "game:end": { actionId: ACTION_ID },
  "game:setBots": { actionId: ACTION_ID, fillWithBots: true },
  "seat:assign": { actionId: ACTION_ID, seatId: "s2", teamId: "t1", roles: ["pm"] },
  "seat:remove": { actionId: ACTION_ID, seatId: "s2" },
  "seat:setBot": { actionId: ACTION_ID, seatId: "s2", bot: "coordinated" },
  "seat:handOver": { actionId: ACTION_ID, seatId: "s2" },
};

/** Fields a request may leave out (a player request's `seatId` is optional, a facilitator's is not). */
function isOptional(event: RequestName, field: string): boolean {
  if (field === "seatId") return Object.hasOwn(PLAYER_REQUESTS, event);
  return ["lastVersion", "phase", "teamId", "roles"].includes(field);
}

/** Values of the wrong type or out of range, by field. */
const BAD_VALUES: Record<string, unknown[]> = {
  code: ["", "   ", 12345, null, true, ["ABCDE"], { code: "ABCDE" }, "A".repeat(17)],
  name: ["", "    ", "x".repeat(201), 7, null, { first: "Ann" }, ["Ann"]],
  actionId: ["short", "has spaces here", "x".repeat(65), "<script>1</script>", 12345678, null, {}],
  seatToken: ["short", "x".repeat(129), 1234567890123456, null, {}],
  facilitatorToken: ["short", "x".repeat(129), 1234567890123456, null, []],
  lastVersion: [-1, 1.5, "3", null, {}],
  round: [13, -1, 1.5, "1", null, [1], Number.MAX_SAFE_INTEGER + 2],
  phase: ["revealed", "lobby", "", 1, null],
  seatId: ["", "x".repeat(41), 5, null, { id: "s2" }],
  side: ["sales", "", 1, null, ["product"]],
  cardId: ["", "x".repeat(41), 99, null, ["pm-write-prd"], { id: "pm-write-prd" }],
  fillWithBots: ["true", 1, 0, null, []],
  teamId: ["", "x".repeat(41), 3, null],
  roles: [[], ["pm", "pm", "pm", "pm", "pm"], ["ceo"], "pm", [1], null],
  bot: ["evil", "", true, 1, {}],
};

interface Variant {
  label: string;
  args: unknown[];
}

function malformed(event: RequestName): Variant[] {
  const valid = VALID[event];
  const variants: Variant[] = [
    { label: "a number", args: [42] },
    { label: "a string", args: ["{}"] },
    { label: "a boolean", args: [true] },
    { label: "null", args: [null] },
    { label: "undefined", args: [undefined] },
    { label: "the payload in an array", args: [[valid]] },
    { label: "an empty array", args: [[]] },
    { label: "no payload", args: [] },
    { label: "two payloads", args: [valid, valid] },
    { label: "an extra key", args: [{ ...valid, admin: true }] },
    { label: "an extra nested key", args: [{ ...valid, extra: { seatId: "s1" } }] },
  ];
  for (const field of Object.keys(valid)) {
    if (!isOptional(event, field)) {
      const { [field]: _dropped, ...rest } = valid;
      variants.push({ label: `without ${field}`, args: [rest] });
    }
    for (const bad of BAD_VALUES[field] ?? [])
      variants.push({
        label: `${field} = ${JSON.stringify(bad)?.slice(0, 40)}`,
        args: [{ ...valid, [field]: bad }],
      });
  }
  return variants;
}

describe("malformed payloads", () => {
  it("are built from payloads the schemas accept, covering every request and field", () => {
    expect(Object.keys(VALID).sort()).toEqual([...ALL_EVENTS].sort());
    for (const event of ALL_EVENTS) {
      expect(REQUESTS[event].safeParse(VALID[event]).success, event).toBe(true);
      for (const field of Object.keys(VALID[event])) expect(BAD_VALUES[field], field).toBeDefined();
    }
  });

  it("are answered with request/invalid for every request, and change nothing", async () => {
    const fx = await planningRoom();
    const spy = await stranger(fx.t.url);
    // From a seat, from the facilitator (who may send every facilitator request) and from nowhere.
    const senders = [
      { name: "player", socket: fx.players[0]?.socket as Socket },
      { name: "facilitator", socket: fx.facilitator.socket },
      { name: "stranger", socket: spy },
    ];
    let count = 0;
    await unchanged(fx, async () => {
      for (const { name, socket } of senders) {
        const asked = ALL_EVENTS.flatMap((event) =>
          malformed(event).map(async ({ label, args }) => ({
            what: `${name}: ${event} with ${label}`,
            ack: await ask(socket, event, ...args),
          })),
        );
        for (const { what, ack } of await Promise.all(asked)) {
          expectError(ack, "request/invalid", what);
          count++;
        }
      }
    });
    expect(count).toBeGreaterThan(ALL_EVENTS.length * 3 * 10);
  });

  it("with the right shape from a socket that never attached get the usual refusals, not request/invalid", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    await unchanged(fx, async () => {
      for (const event of Object.keys(SESSION_REQUESTS) as RequestName[]) {
        const ack = await ask(nobody, event, VALID[event]);
        const expected =
          event === "room:sync" || event === "room:leave" ? "auth/not_in_room" : "room/not_found";
        expectError(ack, expected, event);
      }
      for (const event of [...PLAYER_EVENTS, ...FACILITATOR_EVENTS])
        expectError(await ask(nobody, event, VALID[event]), "auth/not_in_room", event);
    });
  });
});

// ─── events and acks ──────────────────────────────────────────────────────────

describe("events the server does not know, and requests without an ack", () => {
  it("answers an unknown event with request/unknown_event", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const player = fx.players[0]?.socket as Socket;
    await unchanged(fx, async () => {
      for (const socket of [player, nobody, fx.host.socket, fx.facilitator.socket])
        for (const event of [
          "card:steal",
          "game:win",
          "__proto__",
          "constructor",
          "toString",
          "hasOwnProperty",
        ])
          expectError(await ask(socket, event, { actionId: ACTION_ID }), "request/unknown_event", event);
    });
  });

  it("answers a numeric event name (a hand-made packet) with request/unknown_event", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const acks: unknown[] = [];
    nobody.io.on("packet", (packet: { type: number; id?: number; data?: unknown }) => {
      if (packet.type === 3 && packet.id === 9999) acks.push(packet.data);
    });
    await unchanged(fx, async () => {
      nobody.io.engine.send('29999[7,{"actionId":"hostile-action-01"}]');
      await waitFor(() => acks.length > 0, "the ack of the hand-made packet", 3_000);
    });
    expect(acks[0]).toEqual([
      { ok: false, error: { code: "request/unknown_event", message: expect.any(String) } },
    ]);
  });

  it("ignores a request sent without an ack callback", async () => {
    const fx = await planningRoom();
    const player = fx.players[0] as GameConnection;
    const [cardId] = affordableCards(player, 1);
    expect(cardId).toBeDefined();
    const payload = { actionId: "no-ack-select-1", round: 1, cardId };
    await unchanged(fx, async () => {
      player.socket.emit("card:select", payload);
      player.socket.emit("seat:lockIn", { actionId: "no-ack-lock-01", round: 1 });
      player.socket.emit("card:steal", { cardId });
      fx.facilitator.socket.emit("round:forceReveal", { actionId: "no-ack-force-1" });
      await sleep(50);
    });
    // The same request with an ack is applied: the silence above was not a refusal for other reasons.
    const before = fx.room.version;
    const ack = await ask(player.socket, "card:select", payload);
    expect(ack).toMatchObject({ ok: true });
    expect(fx.room.version).toBeGreaterThan(before);
    expect(fx.room.game.seats[seatOf(player)]?.selected).toContain(cardId);
    // And it is pushed, so the push counters above were listening.
    await waitFor(() => pushes.some((p) => p.who === "player 1" && p.event === "view:patched"), "a push");
  });
});

// ─── credentials and rights ───────────────────────────────────────────────────

describe("forged or missing credentials", () => {
  it("refuses a made-up seat token and a wrong facilitator token with auth/invalid_token", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const real = fx.facilitatorToken;
    const flipped = `${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`;
    await unchanged(fx, async () => {
      expectError(
        await ask(nobody, "room:rejoin", { code: fx.code, seatToken: MADE_UP_TOKEN }),
        "auth/invalid_token",
        "made-up seat token",
      );
      // Claiming to have seen a version far ahead changes nothing either.
      expectError(
        await ask(nobody, "room:rejoin", { code: fx.code, seatToken: MADE_UP_TOKEN, lastVersion: 1_000_000 }),
        "auth/invalid_token",
        "made-up seat token, far-ahead version",
      );
      // A real facilitator token is not a seat token.
      expectError(
        await ask(nobody, "room:rejoin", { code: fx.code, seatToken: real }),
        "auth/invalid_token",
        "facilitator token as a seat token",
      );
      for (const facilitatorToken of [MADE_UP_TOKEN, flipped, real.slice(0, 20), `${real}x`])
        expectError(
          await ask(nobody, "room:facilitate", { code: fx.code, facilitatorToken }),
          "auth/invalid_token",
          `facilitator token ${facilitatorToken}`,
        );
      // Refused, so the socket still holds nothing.
      expectError(await ask(nobody, "room:sync", {}), "auth/not_in_room");
      expectError(await ask(nobody, "game:start", { actionId: ACTION_ID }), "auth/not_in_room");
    });
  });

  it("refuses every facilitator request from a seat and from the host screen with auth/not_facilitator", async () => {
    const fx = await planningRoom();
    const other = seatOf(fx.players[1] as GameConnection);
    await unchanged(fx, async () => {
      for (const [who, socket] of [
        ["player", fx.players[0]?.socket as Socket],
        ["host", fx.host.socket],
      ] as const)
        for (const event of FACILITATOR_EVENTS) {
          const payload: Payload = {
            ...VALID[event],
            ...("seatId" in VALID[event] ? { seatId: other } : {}),
          };
          if (event === "seat:assign") payload.teamId = fx.room.game.teamOrder[1];
          expectError(await ask(socket, event, payload), "auth/not_facilitator", `${who}: ${event}`);
        }
    });
  });

  it("refuses player requests from the host screen and the facilitator with auth/read_only", async () => {
    const fx = await planningRoom();
    await unchanged(fx, async () => {
      for (const [who, socket] of [
        ["host", fx.host.socket],
        ["facilitator", fx.facilitator.socket],
      ] as const)
        for (const event of PLAYER_EVENTS) {
          const { seatId: _s, phase: _p, ...payload } = VALID[event];
          expectError(await ask(socket, event, payload), "auth/read_only", `${who}: ${event}`);
        }
    });
  });

  it("refuses player requests from a socket that never attached with auth/not_in_room", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const seat = seatOf(fx.players[0] as GameConnection);
    await unchanged(fx, async () => {
      for (const event of PLAYER_EVENTS) {
        expectError(await ask(nobody, event, { ...VALID[event], seatId: seat }), "auth/not_in_room", event);
        const { seatId: _s, phase: _p, ...bare } = VALID[event];
        expectError(await ask(nobody, event, bare), "auth/not_in_room", event);
      }
      expectError(await ask(nobody, "room:sync", {}), "auth/not_in_room");
      expectError(await ask(nobody, "room:leave", { actionId: ACTION_ID }), "auth/not_in_room");
      expectError(await ask(fx.host.socket, "room:leave", { actionId: ACTION_ID }), "auth/not_in_room");
    });
  });

  it("refuses an action for another seat with auth/not_your_seat", async () => {
    const fx = await planningRoom();
    const [me, teammateOrRival] = fx.players as [GameConnection, GameConnection];
    const other = seatOf(teammateOrRival);
    const [cardId] = affordableCards(me, 1);
    await unchanged(fx, async () => {
      for (const event of PLAYER_EVENTS) {
        const payload: Payload = {
          ...VALID[event],
          seatId: other,
          ...(cardId && "cardId" in VALID[event] ? { cardId } : {}),
        };
        delete payload.phase;
        expectError(await ask(me.socket, event, payload), "auth/not_your_seat", event);
      }
      // Seats that do not exist are not "yours" either.
      expectError(
        await ask(me.socket, "seat:lockIn", { actionId: ACTION_ID, round: 1, seatId: "bot-t1-1" }),
        "auth/not_your_seat",
      );
    });
  });

  it("refuses an action for a round that is not on with action/stale", async () => {
    const fx = await planningRoom();
    const me = fx.players[0] as GameConnection;
    const [cardId] = affordableCards(me, 1);
    await unchanged(fx, async () => {
      for (const round of [2, 5, 12])
        for (const event of PLAYER_EVENTS) {
          const payload: Payload = {
            ...VALID[event],
            round,
            seatId: seatOf(me),
            ...(cardId ? { cardId } : {}),
          };
          if (!("cardId" in VALID[event])) delete payload.cardId;
          delete payload.phase;
          expectError(await ask(me.socket, event, payload), "action/stale", `${event} for round ${round}`);
        }
      // The right round but a phase that has ended.
      expectError(
        await ask(me.socket, "team:chooseReporting", {
          actionId: ACTION_ID,
          round: 1,
          phase: "reporting",
          side: "marketing",
        }),
        "action/stale",
      );
    });
  });

  it("refuses a card that is not in the player's hand with action/card_not_in_hand", async () => {
    const fx = await planningRoom();
    const me = fx.players[0] as GameConnection;
    const mine = new Set(me.view?.me?.hand.map((c) => c.id));
    const elsewhere = fx.players
      .slice(1)
      .flatMap((p) => p.view?.me?.hand.map((c) => c.id) ?? [])
      .filter((id) => !mine.has(id));
    expect(elsewhere.length).toBeGreaterThan(0);
    await unchanged(fx, async () => {
      for (const cardId of ["no-such-card", "__proto__", "constructor", elsewhere[0] as string]) {
        // Names every object has are refused as ids by the schema; other unknown cards by the rules.
        const reserved = cardId === "__proto__" || cardId === "constructor";
        for (const event of ["card:select", "card:show"]) {
          const ack = await ask(me.socket, event, { actionId: ACTION_ID, round: 1, cardId });
          expectError(ack, reserved ? "request/invalid" : "action/card_not_in_hand", `${event} ${cardId}`);
        }
        expectError(
          await ask(me.socket, "card:unselect", { actionId: ACTION_ID, round: 1, cardId }),
          reserved ? "request/invalid" : "action/not_selected",
          `card:unselect ${cardId}`,
        );
      }
    });
  });

  it("refuses an unknown room code with room/not_found", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const player = fx.players[0]?.socket as Socket;
    await unchanged(fx, async () => {
      for (const socket of [nobody, player])
        for (const code of [NO_SUCH_ROOM, "zzzzz ", "AAAAAAAAAAAAAAAA", "__proto__", "constructor"]) {
          expectError(
            await ask(socket, "room:join", { code, name: "Mallory", actionId: ACTION_ID }),
            "room/not_found",
          );
          expectError(await ask(socket, "room:watch", { code }), "room/not_found");
          expectError(await ask(socket, "room:rejoin", { code, seatToken: MADE_UP_TOKEN }), "room/not_found");
          expectError(
            await ask(socket, "room:facilitate", { code, facilitatorToken: MADE_UP_TOKEN }),
            "room/not_found",
          );
        }
    });
  });

  it("keeps an attached socket's seat or screen when its attempt to attach elsewhere is refused", async () => {
    const fx = await planningRoom();
    const [me, other] = fx.players as [GameConnection, GameConnection];
    await unchanged(fx, async () => {
      expectError(
        await ask(me.socket, "room:rejoin", { code: fx.code, seatToken: MADE_UP_TOKEN }),
        "auth/invalid_token",
        "player: made-up seat token",
      );
      expectError(
        await ask(other.socket, "room:facilitate", { code: fx.code, facilitatorToken: MADE_UP_TOKEN }),
        "auth/invalid_token",
        "player: wrong facilitator token",
      );
      expectError(
        await ask(fx.host.socket, "room:facilitate", { code: fx.code, facilitatorToken: MADE_UP_TOKEN }),
        "auth/invalid_token",
        "host: wrong facilitator token",
      );
    });
    // Both players still play from the sockets they had.
    for (const player of [me, other]) {
      const [cardId] = affordableCards(player, 1);
      expect(
        await ask(player.socket, "card:select", { actionId: `keep-${seatOf(player)}-01`, round: 1, cardId }),
      ).toMatchObject({
        ok: true,
      });
    }
  });

  it("refuses facilitator requests for seats and teams that do not exist, even with names like __proto__", async () => {
    const fx = await planningRoom();
    const seat = seatOf(fx.players[0] as GameConnection);
    const ghosts = ["no-such-seat", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
    await unchanged(fx, async () => {
      for (const ghost of ghosts) {
        const requests: [string, Payload][] = [
          ["seat:setBot", { seatId: ghost, bot: "coordinated" }],
          ["seat:setBot", { seatId: ghost, bot: null }],
          ["seat:remove", { seatId: ghost }],
          ["seat:assign", { seatId: ghost, roles: ["pm"] }],
          ["seat:handOver", { seatId: ghost }],
        ];
        for (const [event, payload] of requests)
          expectError(
            await ask(fx.facilitator.socket, event, {
              actionId: `ghost-${event.replace(":", "-")}-${ghost}`,
              ...payload,
            }),
            ghost === "no-such-seat" ? "seat/not_found" : "request/invalid",
            `${event} ${ghost}`,
          );
        expectError(
          await ask(fx.facilitator.socket, "seat:assign", {
            actionId: `ghost-team-${ghost}`,
            seatId: seat,
            teamId: ghost,
          }),
          ghost === "no-such-seat" ? "team/not_found" : "request/invalid",
          `seat:assign to team ${ghost}`,
        );
      }
    });
  });
});

// ─── odd and oversized messages ───────────────────────────────────────────────

function nested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe("odd payloads", () => {
  it("are refused without hurting the server, and honest people still join and play", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const me = fx.players[0] as GameConnection;
    const big = "x".repeat(10 * 1024);
    const deep = nested(1000);
    expect(JSON.stringify(deep).length).toBeLessThan(15 * 1024);
    const polluting = [
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      `{"code":"${NO_SUCH_ROOM}","name":"Mallory","actionId":"${ACTION_ID}","__proto__":{"polluted":true}}`,
      `{"actionId":"${ACTION_ID}","round":1,"cardId":"pm-write-prd","__proto__":{"round":1}}`,
      `{"actionId":"${ACTION_ID}","constructor":{"prototype":{"polluted":true}}}`,
      '{"__proto__":[]}',
    ];
    await unchanged(fx, async () => {
      for (const socket of [me.socket, fx.facilitator.socket, nobody]) {
        const asked: Promise<{ what: string; ack: AnyAck }>[] = [];
        const send = (what: string, event: string, ...args: unknown[]) =>
          asked.push(ask(socket, event, ...args).then((ack) => ({ what, ack })));
        for (const event of ALL_EVENTS) {
          const valid = VALID[event];
          for (const field of Object.keys(valid)) {
            send(`${event}: 10 KB ${field}`, event, { ...valid, [field]: big });
            send(`${event}: deep ${field}`, event, { ...valid, [field]: deep });
          }
          send(`${event}: 10 KB key`, event, { ...valid, [big]: 1 });
          send(`${event}: deep payload`, event, deep);
          send(`${event}: 10 KB string payload`, event, big);
          for (const json of polluting) send(`${event}: ${json}`, event, JSON.parse(json));
          send(`${event}: array`, event, [valid]);
          send(`${event}: array of strings`, event, Object.values(valid));
          send(`${event}: binary payload`, event, Buffer.from("binary payload"));
          send(`${event}: empty binary payload`, event, Buffer.alloc(0));
          send(`${event}: binary field`, event, { ...valid, extra: Buffer.from([1, 2, 3]) });
          if (Object.keys(valid).length > 0) {
            const field = Object.keys(valid)[0] as string;
            send(`${event}: binary ${field}`, event, { ...valid, [field]: Buffer.from("ABCDE") });
          }
          send(`${event}: null`, event, null);
          send(`${event}: undefined`, event, undefined);
          send(`${event}: NaN`, event, Number.NaN);
        }
        for (const { what, ack } of await Promise.all(asked)) expectError(ack, "request/invalid", what);
      }
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");

    const health = await fetch(`${fx.t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });

    // A player already in the room plays on.
    const [cardId] = affordableCards(me, 1);
    ok(await me.play("card:select", { cardId: cardId as string }));

    // A newcomer joins a new room and plays a card.
    const created = await fx.t.createRoom({
      settings: { rounds: 3, teamSize: 1, fillWithBots: false, timerSeconds: null },
    });
    const facilitator = fx.t.client();
    ok(await facilitator.facilitate(created.code, created.facilitatorToken));
    const honest = fx.t.client();
    ok(await honest.join(created.code, "Honest Abe"));
    ok(await facilitator.control("game:start"));
    await waitFor(() => honest.view?.game.phase === "reporting", "the newcomer's reporting decision");
    ok(await honest.play("team:chooseReporting", { side: "marketing" }));
    await waitFor(() => honest.view?.game.phase === "planning" && honest.view.me?.hand.length, "a hand");
    const [first] = affordableCards(honest, 1);
    ok(await honest.play("card:select", { cardId: first as string }));
    await waitFor(() => honest.view?.me?.selected.includes(first as string), "the chosen card");
  });

  it("accepts odd but valid names as plain text", async () => {
    const server = await serve();
    const created = await server.createRoom({
      settings: { rounds: 3, teamSize: 4, fillWithBots: true, timerSeconds: null },
    });
    const host = server.client();
    ok(await host.watch(created.code));
    const names = {
      __proto__: "__proto__",
      constructor: "constructor",
      "<img src=x onerror=1>": "<img src=x onerror=1>",
      "  Ann   \t Lee  ": "Ann Lee",
      "Zoë 🚀": "Zoë 🚀",
    };
    const people: GameConnection[] = [];
    for (const [typed, shown] of Object.entries(names)) {
      const person = server.client();
      const joined = ok(await person.join(created.code, typed));
      expect(joined.session.view.me?.name).toBe(shown);
      people.push(person);
    }
    await waitFor(
      () => host.view?.game.teams.flatMap((team) => team.seats).length === people.length,
      "seats",
    );
    expect(
      host.view?.game.teams
        .flatMap((team) => team.seats)
        .map((seat) => seat.name)
        .sort(),
    ).toEqual(Object.values(names).sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The same name again (any case) is someone else's.
    const copycat = server.client();
    expect(await copycat.join(created.code, "CONSTRUCTOR")).toMatchObject({
      ok: false,
      error: { code: "seat/name_taken" },
    });
  });

  it("disconnects a socket that sends a message over 16 KB, and stays up", async () => {
    const fx = await planningRoom();
    const nobody = await stranger(fx.t.url);
    const gone = new Promise<string>((resolve) => nobody.once("disconnect", (reason) => resolve(reason)));
    const acks: AnyAck[] = [];
    await unchanged(fx, async () => {
      nobody.emit(
        "room:join",
        { code: "x".repeat(17 * 1024), name: "Mallory", actionId: ACTION_ID },
        (ack: AnyAck) => acks.push(ack),
      );
      expect(await gone).toMatch(/transport (close|error)/);
    });
    expect(acks).toEqual([]);
    expect(nobody.connected).toBe(false);

    const health = await fetch(`${fx.t.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const next = await stranger(fx.t.url, "next stranger");
    expect(await ask(next, "room:watch", { code: fx.code })).toMatchObject({ ok: true });
    const me = fx.players[0] as GameConnection;
    const [cardId] = affordableCards(me, 1);
    ok(await me.play("card:select", { cardId: cardId as string }));
  });
});

// ─── limits ───────────────────────────────────────────────────────────────────

describe("limits", () => {
  it("answers a burst over the limit partly with rate/limited, and disconnects a socket that keeps flooding", async () => {
    const fx = await planningRoom({ limits: DEFAULT_LIMITS });
    const watcher = await stranger(fx.t.url, "watcher");
    ok(await ask(watcher, "room:watch", { code: fx.code }));
    await sleep(200); // the bucket is full again

    const acks = await Promise.all(Array.from({ length: 30 }, () => ask(watcher, "room:sync", {})));
    const limited = acks.filter((a) => !a.ok && a.error.code === "rate/limited");
    const answered = acks.filter((a) => a.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(answered.length).toBeGreaterThanOrEqual(15);
    expect(limited.length + answered.length).toBe(30);
    for (const ack of limited) expectError(ack, "rate/limited");
    expect(watcher.connected).toBe(true);

    const flooder = await stranger(fx.t.url, "flooder");
    ok(await ask(flooder, "room:watch", { code: fx.code }));
    const gone = new Promise<string>((resolve) => flooder.once("disconnect", (reason) => resolve(reason)));
    const version = fx.room.version;
    for (let i = 0; i < 200; i++)
      flooder.emit("card:select", { actionId: `flood-${i}-abcdef`, round: 1, cardId: "x" }, () => undefined);
    expect(await gone).toBe("io server disconnect");
    expect(fx.room.version).toBe(version);

    // The server and the honest players carry on.
    const health = await fetch(`${fx.t.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const me = fx.players[0] as GameConnection;
    const [cardId] = affordableCards(me, 1);
    ok(await me.play("card:select", { cardId: cardId as string }));
  });

  it("lets forty people from one address join without any limit", async () => {
    const server = await serve({ limits: DEFAULT_LIMITS, failedJoinsPerMinute: 10 });
    const created = await server.createRoom({
      settings: { rounds: 3, teamSize: 4, fillWithBots: false, timerSeconds: null },
    });
    const people = Array.from({ length: 40 }, () => server.client());
    const acks = await Promise.all(people.map((p, i) => p.join(created.code, `Person ${i + 1}`)));
    for (const ack of acks) expect(ack).toMatchObject({ ok: true });
    const room = server.server.rooms.all()[0] as Room;
    expect(room.game.seatOrder).toHaveLength(40);
    // And a host screen still gets in afterwards.
    const host = server.client();
    ok(await host.watch(created.code));
  });

  it("after ten failed joins from one address refuses even a correct code with room/join_limited", async () => {
    const server = await serve({ limits: DEFAULT_LIMITS, failedJoinsPerMinute: 10 });
    const created = await server.createRoom({
      settings: { rounds: 3, teamSize: 4, fillWithBots: false, timerSeconds: null },
    });
    const room = server.server.rooms.all()[0] as Room;
    const guesser = await stranger(server.url, "guesser");
    for (let i = 0; i < 10; i++)
      expectError(
        await ask(guesser, "room:join", { code: `ZZZZ${i}`, name: "Guesser", actionId: ACTION_ID }),
        "room/not_found",
        `guess ${i + 1}`,
      );
    const version = room.version;
    expectError(
      await ask(guesser, "room:join", { code: created.code, name: "Guesser", actionId: ACTION_ID }),
      "room/join_limited",
    );
    // Per address, not per socket, and for every way of attaching.
    const another = await stranger(server.url, "another");
    expectError(
      await ask(another, "room:join", { code: created.code, name: "Other", actionId: "other-action-1" }),
      "room/join_limited",
    );
    expectError(await ask(another, "room:watch", { code: created.code }), "room/join_limited");
    // A wrong secret gets the same answer whether or not the room exists…
    expectError(
      await ask(another, "room:facilitate", { code: created.code, facilitatorToken: `${MADE_UP_TOKEN}x` }),
      "room/join_limited",
    );
    expectError(
      await ask(another, "room:rejoin", { code: created.code, seatToken: `${MADE_UP_TOKEN}x` }),
      "room/join_limited",
    );
    expect(room.version).toBe(version);
    expect(room.game.seatOrder).toHaveLength(0);
    expect(room.peerCount).toBe(0);
    // …while a valid secret token still gets in: it cannot have been guessed.
    const facilitated = await ask(another, "room:facilitate", {
      code: created.code,
      facilitatorToken: created.facilitatorToken,
    });
    expect(facilitated).toMatchObject({ ok: true });
  });

  it("behind a proxy, counts failed joins against the address the proxy saw, not one the client claims", async () => {
    const server = await serve({ limits: DEFAULT_LIMITS, failedJoinsPerMinute: 10, trustProxy: true });
    const created = await server.createRoom({ settings: { fillWithBots: false, timerSeconds: null } });
    // A reverse proxy appends the address it saw (203.0.113.7) to whatever X-Forwarded-For the client sent.
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const guesser = await connected(
        rawSocket(server.url, { extraHeaders: { "x-forwarded-for": `198.51.100.${i}, 203.0.113.7` } }),
      );
      const ack = await ask(guesser, "room:join", { code: `ZZZZ${i}`, name: "Guesser", actionId: ACTION_ID });
      answers.push(ack.ok ? "ok" : ack.error.code);
      guesser.close();
    }
    expect(answers.slice(0, 10)).toEqual(Array(10).fill("room/not_found"));
    expect(answers.slice(10)).toEqual(["room/join_limited", "room/join_limited"]);
    // Someone else behind the same proxy is not affected.
    const neighbour = await connected(
      rawSocket(server.url, { extraHeaders: { "x-forwarded-for": "203.0.113.8" } }),
    );
    expect(
      await ask(neighbour, "room:join", { code: created.code, name: "Neighbour", actionId: ACTION_ID }),
    ).toMatchObject({ ok: true });
  });

  it("counts wrong facilitator links as failed joins", async () => {
    const server = await serve({ limits: DEFAULT_LIMITS, failedJoinsPerMinute: 10 });
    const created = await server.createRoom({ settings: { fillWithBots: false, timerSeconds: null } });
    const guesser = await stranger(server.url, "guesser");
    for (let i = 0; i < 10; i++)
      expectError(
        await ask(guesser, "room:facilitate", {
          code: created.code,
          facilitatorToken: `${MADE_UP_TOKEN}${i}`,
        }),
        "auth/invalid_token",
      );
    expectError(
      await ask(guesser, "room:facilitate", { code: created.code, facilitatorToken: `${MADE_UP_TOKEN}z` }),
      "room/join_limited",
    );
    expectError(
      await ask(guesser, "room:join", { code: created.code, name: "G", actionId: ACTION_ID }),
      "room/join_limited",
    );
  });
});

// ─── origins ──────────────────────────────────────────────────────────────────

describe("allowed origins", () => {
  it("refuses sockets from another site's page and lets the server's own pages and programs in", async () => {
    const server = await serve();
    const evil = rawSocket(server.url, { extraHeaders: { origin: "http://evil.example" } });
    expect(await outcome(evil)).toBe("refused");
    const evilPolling = rawSocket(server.url, {
      transports: ["polling"],
      extraHeaders: { origin: "http://evil.example" },
    });
    expect(await outcome(evilPolling)).toBe("refused");
    const garbage = rawSocket(server.url, { extraHeaders: { origin: "null" } });
    expect(await outcome(garbage)).toBe("refused");
    const lookalike = rawSocket(server.url, {
      extraHeaders: { origin: `http://127.0.0.1.evil.example:${server.port}` },
    });
    expect(await outcome(lookalike)).toBe("refused");

    const own = rawSocket(server.url, { extraHeaders: { origin: server.url } });
    expect(await outcome(own)).toBe("connected");
    const program = rawSocket(server.url);
    expect(await outcome(program)).toBe("connected");

    // The server was not disturbed by the refusals.
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });

  it("lets in the origins it is configured to allow, and only those", async () => {
    const server = await serve({ ...RELAXED, allowedOrigins: ["http://ok.example"] });
    const allowed = rawSocket(server.url, { extraHeaders: { origin: "http://ok.example" } });
    expect(await outcome(allowed)).toBe("connected");
    const allowedPolling = rawSocket(server.url, {
      transports: ["polling"],
      extraHeaders: { origin: "http://ok.example" },
    });
    expect(await outcome(allowedPolling)).toBe("connected");
    const evil = rawSocket(server.url, { extraHeaders: { origin: "http://evil.example" } });
    expect(await outcome(evil)).toBe("refused");
    const otherPort = rawSocket(server.url, { extraHeaders: { origin: "http://ok.example:8080" } });
    expect(await outcome(otherPort)).toBe("refused");
  });
});
