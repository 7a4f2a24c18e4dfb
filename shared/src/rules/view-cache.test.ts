/**
 * The view cache (`createViewCache`) is an optimisation only: after any sequence of commands, its
 * board and every seat's own part are deep-equal to what `viewFor` and `seatPartOf` build from
 * scratch, and what did not change is handed back as the same object (which is what lets a diff
 * skip it).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinDeck } from "../content/builtin-deck";
import { diffView } from "../protocol/patch";
import { planBotCommands } from "./bots";
import type { GameCommand } from "./commands";
import { handOf } from "./energy";
import { applyCommand } from "./engine";
import { createRandom } from "./random";
import type { GameState } from "./state";
import { must, seatedGame } from "./testing";
import { createViewCache, seatPartOf, type ViewCache, viewFor } from "./view";
import { type GameSettingsInput, ROLES } from "./vocabulary";

function fixture(settings: GameSettingsInput, people: number, bots: number, start: boolean): GameState {
  const state = seatedGame(settings, people, bots, 77);
  return start ? must(state, { type: "game:start" }) : state;
}

const FIXTURES: Record<string, GameState> = {
  "lobby, teams of 4": fixture({ teamSize: 4 }, 5, 1, false),
  "one team of eight (the load bench's rooms)": fixture({ teamSize: 8, fillWithBots: false }, 8, 0, true),
  "teams of 5 with a shared role": fixture({ teamSize: 5, fillWithBots: false }, 10, 0, true),
  "multi-hat teams of 2 and 1": fixture({ teamSize: 2, fillWithBots: false }, 3, 0, true),
  "teams with bots": fixture({ teamSize: 4, energyPerRole: 2 }, 5, 2, true),
};
const NAMES = Object.keys(FIXTURES);
const CARDS = builtinDeck.actions.map((c) => c.id);

type Step =
  | { kind: "command"; command: GameCommand }
  | { kind: "own"; type: "card:select" | "card:unselect" | "card:show"; seat: number; pick: number }
  | { kind: "seat"; type: "seat:lockIn" | "seat:unlock" | "team:chooseReporting"; seat: number }
  | { kind: "bots"; seed: number };

const facilitator = fc.constantFrom<GameCommand>(
  { type: "game:start" },
  { type: "game:pause" },
  { type: "game:resume" },
  { type: "round:forceReveal" },
  { type: "round:next" },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        type: fc.constantFrom("card:select", "card:select", "card:unselect", "card:show"),
        seat: fc.nat(40),
        pick: fc.nat(40),
      })
      .map((s): Step => ({ kind: "own", ...s })),
  },
  {
    weight: 5,
    arbitrary: fc
      .record({
        type: fc.constantFrom("seat:lockIn", "seat:lockIn", "seat:unlock", "team:chooseReporting"),
        seat: fc.nat(40),
      })
      .map((s): Step => ({ kind: "seat", ...s })),
  },
  { weight: 4, arbitrary: facilitator.map((command): Step => ({ kind: "command", command })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        kind: fc.constantFrom("add", "remove", "assign", "bot", "takeOver"),
        seat: fc.nat(40),
        team: fc.constantFrom("t1", "t2", "t3"),
        roles: fc.subarray([...ROLES], { minLength: 1 }),
        n: fc.nat(99),
      })
      .map(({ kind, seat, team, roles, n }): Step => {
        const seatId = `#${seat}`;
        const command: GameCommand =
          kind === "add"
            ? { type: "seat:add", seatId: `new${n}`, name: `Newcomer ${n}`, bot: null }
            : kind === "remove"
              ? { type: "seat:remove", seatId }
              : kind === "assign"
                ? n % 3 === 0
                  ? { type: "seat:assign", seatId, teamId: team }
                  : n % 3 === 1
                    ? { type: "seat:assign", seatId, roles }
                    : { type: "seat:assign", seatId, teamId: team, roles }
                : kind === "bot"
                  ? { type: "seat:setBot", seatId, bot: n % 2 === 0 ? null : "coordinated" }
                  : { type: "seat:takeOver", seatId, name: `Taker ${n}` };
        return { kind: "command", command };
      }),
  },
  { weight: 1, arbitrary: fc.integer().map((seed): Step => ({ kind: "bots", seed })) },
);

/** The commands a step stands for on the current state (seat numbers pick among the seats there). */
function commandsOf(state: GameState, s: Step): GameCommand[] {
  const seatAt = (n: number) => state.seatOrder[n % Math.max(1, state.seatOrder.length)] ?? "nobody";
  if (s.kind === "bots") {
    const random = createRandom(s.seed);
    return state.seatOrder.flatMap((id) => planBotCommands(state, id, random));
  }
  if (s.kind === "command") {
    const c = s.command;
    if ("seatId" in c && c.seatId.startsWith("#"))
      return [{ ...c, seatId: seatAt(Number(c.seatId.slice(1))) }];
    return [c];
  }
  const seatId = seatAt(s.seat);
  if (s.kind === "seat")
    return s.type === "team:chooseReporting"
      ? [{ type: s.type, seatId, side: s.seat % 2 === 0 ? "product" : "marketing" }]
      : [{ type: s.type, seatId }];
  const seat = state.seats[seatId];
  const from = seat ? (s.type === "card:unselect" ? seat.selected : handOf(state, seat)) : [];
  const cardId = from.length > 0 ? from[s.pick % from.length] : CARDS[s.pick % CARDS.length];
  return [{ type: s.type, seatId, cardId: cardId as string }];
}

function board(state: GameState) {
  const { version: _v, viewer: _w, me: _m, ...game } = viewFor(state, { kind: "host" });
  return game;
}

/** The cache agrees with views built from scratch; unchanged parts keep their identity. */
function check(cache: ViewCache, state: GameState, previous: Map<string, unknown>, unchanged: boolean): void {
  const cachedBoard = cache.board(state);
  expect(cachedBoard).toEqual(board(state));
  if (unchanged) expect(cachedBoard).toBe(previous.get("board"));
  previous.set("board", cachedBoard);
  for (const id of state.seatOrder) {
    const part = cache.seatPart(state, id);
    expect(part, `seat ${id}`).toEqual(seatPartOf(state, id));
    if (unchanged && previous.has(id)) expect(part, `seat ${id} kept`).toBe(previous.get(id));
    previous.set(id, part);
  }
}

describe("the view cache", () => {
  it("gives the views viewFor gives, after any sequence of commands", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.array(step, { minLength: 1, maxLength: 60 }),
        (name, steps) => {
          let state = FIXTURES[name] as GameState;
          const cache = createViewCache();
          const previous = new Map<string, unknown>();
          check(cache, state, previous, false);
          for (const s of steps) {
            for (const command of commandsOf(state, s)) {
              const result = applyCommand(state, command);
              if (result.ok) state = result.state;
              check(cache, state, previous, !result.ok);
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it("changes only the seats an action touches: a card chosen in a team of eight", () => {
    let state = FIXTURES["one team of eight (the load bench's rooms)"] as GameState;
    state = must(state, { type: "team:chooseReporting", seatId: "s1", side: "product" });
    const cache = createViewCache();
    const before = new Map(state.seatOrder.map((id) => [id, cache.seatPart(state, id)]));
    const boardBefore = cache.board(state);
    const seat = state.seats.s1;
    const card = handOf(state, seat as NonNullable<typeof seat>)[0] as string;
    state = must(state, { type: "card:select", seatId: "s1", cardId: card });
    // Only s1 and the seat sharing its role (s5: eight seats, four roles) see a difference.
    const changed = state.seatOrder.filter((id) => cache.seatPart(state, id) !== before.get(id));
    expect(changed).toEqual(["s1", "s5"]);
    // Choices are secret until the reveal: the board is the same object, with nothing to send.
    expect(cache.board(state)).toBe(boardBefore);
    // The own part's diff is small: the chosen card, the energy and the cards it made unaffordable.
    const ops = diffView(before.get("s5"), cache.seatPart(state, "s5"));
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((op) => op.p[0] === "hand" || op.p[0] === "energy")).toBe(true);
  });

  it("shows a card that looks the same to several seats as one object, in every game", () => {
    let state = FIXTURES["one team of eight (the load bench's rooms)"] as GameState;
    state = must(state, { type: "team:chooseReporting", seatId: "s1", side: "product" });
    // s1 and s5 wear the same role: the same hand, priced and judged the same way.
    const s1 = seatPartOf(state, "s1");
    const s5 = seatPartOf(state, "s5");
    expect(s1?.hand.length).toBeGreaterThan(0);
    expect(s5?.hand).toEqual(s1?.hand);
    for (const [i, card] of (s1?.hand ?? []).entries()) expect(s5?.hand[i], card.id).toBe(card);
    // Another cache (another room's) shows them with the same objects too.
    expect(createViewCache().seatPart(state, "s5")?.hand[0]).toBe(s1?.hand[0]);
    // Once s1 chooses a card, s5 sees it taken: a look of its own, equal to a view made from scratch.
    const card = s1?.hand[0]?.id as string;
    const after = must(state, { type: "card:select", seatId: "s1", cardId: card });
    const taken = seatPartOf(after, "s5")?.hand[0];
    expect(taken?.takenBy).toBe(after.seats.s1?.name);
    expect(taken?.problem?.code).toBe("action/card_taken");
    expect(taken).not.toBe(s1?.hand[0]);
  });
});
