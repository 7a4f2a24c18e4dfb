/**
 * The wire protocol's own guarantees: view patches turn one view into another (also after a JSON
 * round trip, as socket.io sends them) and refuse prototype keys; the views the rules make match
 * their wire schemas in every phase; request schemas refuse unknown keys; and docs/PROTOCOL.md
 * names every event and error code.
 */
import fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  builtinDeck,
  createGame,
  createRandom,
  type GameState,
  seatPartOf,
  selectProblem,
  viewFor,
} from "../index";
import { runBots } from "../rules/simulate";
import { must } from "../rules/testing";
import { WIRE_ERROR_CODES } from "./errors";
import { ACK_DATA, PatchOpSchema, PUSHES, REQUESTS, type RequestName } from "./events";
import { applyViewPatch, diffView, type PatchOp } from "./patch";
import { PublicGameView, SeatOwnViewSchema } from "./views";

// ─── patches ──────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Keys a view never has, which `applyViewPatch` refuses on purpose. Other names of
 * Object.prototype's members (`toString`, `valueOf`…) are ordinary keys and are generated.
 */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function hasUnsafeKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUnsafeKey);
  if (value !== null && typeof value === "object")
    return Object.keys(value).some(
      (key) => UNSAFE_KEYS.has(key) || hasUnsafeKey((value as Record<string, unknown>)[key]),
    );
  return false;
}

/** JSON values as they arrive over the wire (a JSON round trip also turns -0 into 0). */
const json: fc.Arbitrary<Json> = fc
  .jsonValue({ maxDepth: 4 })
  .map((value) => JSON.parse(JSON.stringify(value)) as Json)
  .filter((value) => !hasUnsafeKey(value));

/** Keys for added entries, often named like Object.prototype's members. */
const safeKey = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__"),
);

type Path = (string | number)[];

function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) for (const [i, item] of value.entries()) pathsOf(item, [...path, i], out);
  else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  return out;
}

interface Edit {
  at: number;
  kind: "set" | "delete" | "add";
  key: string;
  value: Json;
}

/** `value` with one small change (on a copy): a value replaced, a key or item removed, one added. */
function applyEdit(value: Json, edit: Edit): Json {
  const paths = pathsOf(value);
  const path = paths[edit.at % paths.length] as Path;
  if (path.length === 0 && edit.kind !== "add") return edit.kind === "set" ? edit.value : null;
  const copy = structuredClone(value);
  const parentPath = edit.kind === "add" ? path : path.slice(0, -1);
  let node: unknown = copy;
  for (const key of parentPath) node = (node as Record<string | number, unknown>)[key];
  const last = path.at(-1) as string | number;
  if (edit.kind === "add") {
    if (Array.isArray(node)) node.push(edit.value);
    else if (node !== null && typeof node === "object") (node as Record<string, Json>)[edit.key] = edit.value;
    else return edit.value;
  } else if (Array.isArray(node)) {
    if (edit.kind === "set") node[last as number] = edit.value;
    else node.splice(last as number, 1);
  } else {
    const record = node as Record<string, Json>;
    if (edit.kind === "set") record[last as string] = edit.value;
    else delete record[last as string];
  }
  return copy;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("set", "delete", "add"),
  key: safeKey,
  value: json,
});

/** A value and a small modification of it. */
const nearPair: fc.Arbitrary<[Json, Json]> = fc
  .tuple(json, fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([a, edits]) => [a, edits.reduce(applyEdit, a)]);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** What the receiving end of a socket.io message gets. */
function overTheWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function checkPatch([a, b]: [Json, Json]): void {
  const before = structuredClone(a);
  deepFreeze(a);
  const ops = diffView(a, b);
  expect(applyViewPatch(a, ops)).toEqual(b);
  expect(a).toEqual(before);
  // Sent with socket.io (JSON): an op without `v` still means delete, and every op is well formed.
  const sent = overTheWire(ops);
  for (const op of sent) expect(PatchOpSchema.safeParse(op).success).toBe(true);
  expect(applyViewPatch(a, sent)).toEqual(b);
  expect(a).toEqual(before);
}

describe("view patches", () => {
  it("turn any JSON value into any other", () => {
    fc.assert(
      fc.property(json, json, (a, b) => checkPatch([a, b])),
      { numRuns: 200 },
    );
  });

  it("turn a value into a small modification of it", () => {
    fc.assert(fc.property(nearPair, checkPatch), { numRuns: 300 });
  });

  it("are empty between equal values", () => {
    fc.assert(
      fc.property(json, (a) => {
        expect(diffView(a, a)).toEqual([]);
        expect(diffView(a, structuredClone(a))).toEqual([]);
      }),
    );
  });

  it("say delete with an op that has no value, also after JSON", () => {
    const ops = diffView({ keep: 1, drop: { deep: true } }, { keep: 1 });
    expect(ops).toEqual([{ p: ["drop"] }]);
    const sent = overTheWire<PatchOp[]>([{ p: ["drop"], v: undefined }]);
    expect(sent).toEqual([{ p: ["drop"] }]);
    expect(applyViewPatch({ keep: 1, drop: 2 }, sent)).toEqual({ keep: 1 });
    expect(Object.hasOwn(applyViewPatch({ keep: 1, drop: 2 }, sent), "drop")).toBe(false);
  });

  it("replace an object whose id changed in one op (a new round's card where the last one was)", () => {
    const card = (id: string, title: string) => ({ id, title, cost: 1, points: { inbound: 2 } });
    const before = { hand: [card("a", "First"), card("b", "Second")] };
    const after = { hand: [card("a", "First"), card("c", "Third")] };
    expect(diffView(before, after)).toEqual([{ p: ["hand", 1], v: card("c", "Third") }]);
    checkPatch([before, after]);
    // The same card with a new cost is still patched field by field.
    const cheaper = { hand: [card("a", "First"), { ...card("b", "Second"), cost: 0 }] };
    expect(diffView(before, cheaper)).toEqual([{ p: ["hand", 1, "cost"], v: 0 }]);
  });

  it("share what they do not change", () => {
    const view = { game: { teams: [{ id: "t1" }, { id: "t2" }] }, me: { hand: [1, 2, 3] } };
    const next = applyViewPatch(view, [{ p: ["game", "teams", 1, "id"], v: "t9" }]);
    expect(next.me).toBe(view.me);
    expect(next.game.teams[0]).toBe(view.game.teams[0]);
    expect(next.game.teams[1]).toEqual({ id: "t9" });
    expect(view.game.teams[1]).toEqual({ id: "t2" });
  });

  it("refuse prototype keys and do not pollute Object.prototype", () => {
    const attacks: unknown[] = [
      [{ p: ["__proto__", "polluted"], v: "yes" }],
      [{ p: ["constructor", "prototype", "polluted"], v: "yes" }],
      [{ p: ["game", "__proto__", "polluted"], v: "yes" }],
      [{ p: ["game", "constructor"], v: "yes" }],
      [{ p: ["prototype"], v: "yes" }],
      JSON.parse('[{"p":["__proto__","polluted"],"v":"yes"}]'),
      JSON.parse('[{"p":["me","__proto__"],"v":{"polluted":"yes"}}]'),
    ];
    for (const ops of attacks)
      expect(() => applyViewPatch({ game: {}, me: {} }, ops as PatchOp[])).toThrow(/refusing/);
    // A value that carries a __proto__ key is data, not a path: it must not reach the prototype.
    const result = applyViewPatch(
      { game: {} },
      JSON.parse('[{"p":["game"],"v":{"__proto__":{"polluted":"yes"}}}]'),
    );
    expect(result).toBeDefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("handle keys named like Object.prototype members (toString, valueOf)", () => {
    checkPatch([{}, { toString: 1 }]);
    checkPatch([{ valueOf: 1 }, {}]);
    checkPatch([{ hasOwnProperty: { a: 1 } }, { hasOwnProperty: { a: 2 }, isPrototypeOf: [] }]);
    expect(diffView({}, { toString: 1 })).toEqual([{ p: ["toString"], v: 1 }]);
    expect(diffView({ toString: 1 }, {})).toEqual([{ p: ["toString"] }]);
  });
});

// ─── views against their wire schemas ─────────────────────────────────────────

function schemaProblems(state: GameState): string[] {
  const problems: string[] = [];
  const { version: _v, viewer: _w, me: _m, ...game } = viewFor(state, { kind: "host" });
  const board = PublicGameView.safeParse(game);
  if (!board.success) problems.push(`board: ${board.error.message}`);
  for (const seatId of state.seatOrder) {
    const own = SeatOwnViewSchema.safeParse(seatPartOf(state, seatId));
    if (!own.success) problems.push(`seat ${seatId}: ${own.error.message}`);
  }
  return problems;
}

/** People's moves for a round: the first person of each team decides the reporting, everyone plans. */
function peoplePlay(state: GameState): GameState {
  let next = state;
  const people = next.seatOrder.filter((id) => {
    const seat = next.seats[id];
    return seat && !seat.bot && seat.teamId && seat.roles.length > 0;
  });
  if (next.phase === "reporting") {
    for (const teamId of next.teamOrder) {
      const decider = people.find((id) => next.seats[id]?.teamId === teamId);
      if (decider && next.teams[teamId]?.reportingDecidedFor !== next.round)
        next = must(next, {
          type: "team:chooseReporting",
          seatId: decider,
          side: "marketing",
          round: next.round,
        });
    }
    return next;
  }
  if (next.phase !== "planning") return next;
  for (const seatId of people) {
    const seat = next.seats[seatId];
    if (!seat) continue;
    const deal = next.deals[next.round - 1];
    const hand = deal ? seat.roles.flatMap((role) => deal.hands[role]) : [];
    const shown = hand[0];
    if (shown && !seat.shown.includes(shown))
      next = must(next, { type: "card:show", seatId, cardId: shown, round: next.round });
    const pick = hand.find((cardId) => selectProblem(next, seatId, cardId) === null);
    if (pick) next = must(next, { type: "card:select", seatId, cardId: pick, round: next.round });
  }
  return next;
}

describe("views", () => {
  it("match their wire schemas in every phase of a bot game", () => {
    const seed = 20_240_601;
    const created = createGame({ rounds: 4, teamSize: 5, fillWithBots: true }, builtinDeck, seed);
    if (!created.ok) throw new Error(created.error.message);
    let state = created.value;
    const seen = new Set<string>();
    const problems: string[] = [];
    const check = (where: string) => {
      seen.add(state.paused ? "paused" : state.phase);
      for (const problem of schemaProblems(state)) problems.push(`${where}: ${problem}`);
      // Note the view's rarer parts, to show the game reached them.
      for (const id of state.seatOrder) {
        const me = seatPartOf(state, id);
        if (me?.hand.some((card) => card.takenBy !== null)) seen.add("a card taken by a teammate");
        if (me?.hand.some((card) => card.problem !== null)) seen.add("a card with a problem");
        if (me?.teammates.some((mate) => mate.shown.length > 0)) seen.add("a card shown");
        if (me?.teammates.some((mate) => mate.planned.length > 0)) seen.add("a bot's planned card");
      }
      if (viewFor(state, { kind: "host" }).teams.some((team) => team.seats.some((seat) => seat.waiting)))
        seen.add("a waiting seat");
    };
    check("empty lobby");
    // Seven people: a full team of five (two share a role) and a team of two, topped up with bots.
    for (let i = 1; i <= 7; i++) {
      state = must(state, { type: "seat:add", seatId: `p${i}`, name: `Person ${i}`, bot: null });
      check(`lobby, ${i} seats`);
    }
    state = must(state, { type: "seat:assign", seatId: "p7", roles: ["pm", "cm"] });
    state = must(state, { type: "game:start" });
    check("start");
    // Someone arrives late: a seat with no role yet, waiting for the next round.
    state = must(state, { type: "seat:add", seatId: "late", name: "Late Person", bot: null });
    check("late arrival");
    const random = createRandom(seed, 7);
    let steps = 0;
    while (state.phase !== "finished") {
      if (++steps > 100) throw new Error("the game did not finish");
      state = peoplePlay(state);
      check(`round ${state.round} ${state.phase}, people played`);
      state = runBots(state, random);
      check(`round ${state.round} ${state.phase}, bots played`);
      if (state.phase === "planning" && state.round === 2) {
        state = must(state, { type: "game:pause" });
        check(`round ${state.round} paused`);
        state = must(state, { type: "game:resume" });
      }
      if (state.phase === "planning") {
        for (const id of state.seatOrder) {
          const seat = state.seats[id];
          if (seat && !seat.bot && seat.roles.length > 0 && !seat.locked)
            state = must(state, { type: "seat:lockIn", seatId: id, round: state.round });
        }
        if (state.phase === "planning") state = must(state, { type: "round:forceReveal" });
        check(`round ${state.round} revealed`);
      } else if (state.phase === "reporting") {
        state = must(state, { type: "round:forceReveal" });
      } else if (state.phase === "revealed") {
        state = must(state, { type: "round:next" });
        check(`round ${state.round} ${state.phase}`);
      }
    }
    check("finished");
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual([
      "a bot's planned card",
      "a card shown",
      "a card taken by a teammate",
      "a card with a problem",
      "a waiting seat",
      "finished",
      "lobby",
      "paused",
      "planning",
      "reporting",
      "revealed",
    ]);
  });
});

// ─── request schemas ──────────────────────────────────────────────────────────

const actionId = "test-action-0001";
const seatToken = "seat-token-0123456789";

/** The smallest valid payload of every request. */
const MINIMAL = {
  "room:join": { code: "ACDEF", name: "Ada", actionId },
  "room:rejoin": { code: "ACDEF", seatToken },
  "room:watch": { code: "ACDEF" },
  "room:facilitate": { code: "ACDEF", facilitatorToken: seatToken },
  "room:sync": {},
  "room:leave": { actionId },
  "team:chooseReporting": { actionId, round: 1, side: "product" },
  "card:select": { actionId, round: 1, cardId: "pm-roadmap" },
  "card:unselect": { actionId, round: 1, cardId: "pm-roadmap" },
  "card:show": { actionId, round: 1, cardId: "pm-roadmap" },
  "seat:lockIn": { actionId, round: 1 },
  "seat:unlock": { actionId, round: 1 },
  "game:start": { actionId },
  "game:pause": { actionId },
  "game:resume": { actionId },
  "round:forceReveal": { actionId },
  "round:next": { actionId },
  "game:end": { actionId },
  "game:setBots": { actionId, fillWithBots: false },
  "seat:assign": { actionId, seatId: "s1", teamId: "t1" },
  "seat:remove": { actionId, seatId: "s1" },
  "seat:setBot": { actionId, seatId: "s1", bot: null },
  "seat:handOver": { actionId, seatId: "s1" },
} satisfies Record<RequestName, Record<string, unknown>>;

const names = Object.keys(REQUESTS) as RequestName[];

describe("request schemas", () => {
  it("have a minimal payload and an ack schema for every request", () => {
    expect(Object.keys(MINIMAL).sort()).toEqual([...names].sort());
    expect(Object.keys(ACK_DATA).sort()).toEqual([...names].sort());
  });

  it.each(names)("%s accepts its minimal payload", (name) => {
    const parsed = REQUESTS[name].safeParse(MINIMAL[name]);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it.each(names)("%s refuses an unknown key", (name) => {
    expect(REQUESTS[name].safeParse({ ...MINIMAL[name], evil: 1 }).success).toBe(false);
  });

  it.each(names)("%s does not let a __proto__ key through", (name) => {
    const rest = JSON.stringify(MINIMAL[name]).slice(1, -1);
    const input = JSON.parse(`{"__proto__":{"x":1}${rest ? `,${rest}` : ""}}`) as object;
    expect(Object.hasOwn(input, "__proto__")).toBe(true);
    const parsed = REQUESTS[name].safeParse(input);
    if (parsed.success) {
      // Accepted only if the key was dropped: never as an extra key or a changed prototype.
      expect(Object.keys(parsed.data as object)).not.toContain("__proto__");
      expect((parsed.data as Record<string, unknown>).x).toBeUndefined();
    }
    expect(parsed.success).toBe(false);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

// ─── the protocol document ────────────────────────────────────────────────────

describe("docs/PROTOCOL.md", () => {
  const doc = fs.readFileSync(new URL("../../../docs/PROTOCOL.md", import.meta.url), "utf8");
  const gameCodes = [
    ...fs
      .readFileSync(new URL("../rules/errors.ts", import.meta.url), "utf8")
      .matchAll(/\|\s*"([a-z]+\/[a-z_]+)"/g),
  ].map((match) => match[1] as string);

  it("finds the game error codes in the rules", () => {
    expect(gameCodes).toContain("action/stale");
    expect(gameCodes.length).toBeGreaterThan(20);
  });

  it.each([...Object.keys(REQUESTS), ...Object.keys(PUSHES)])("documents the event %s", (name) => {
    expect(doc).toContain(`\`${name}\``);
  });

  it.each([...WIRE_ERROR_CODES])("documents the wire error %s", (code) => {
    expect(doc).toContain(`\`${code}\``);
  });

  it("documents every game error code", () => {
    expect(gameCodes.filter((code) => !doc.includes(`\`${code}\``))).toEqual([]);
  });
});
