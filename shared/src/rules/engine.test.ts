/**
 * Behaviour a player or facilitator would notice, driven through the engine alone (no UI, no server):
 * teams and hats in the lobby, dealing, energy, reveal and scoring, the timer, pausing, refusals,
 * the end of the game and exact replays.
 */
import { describe, expect, it } from "vitest";
import { builtinDeck } from "../content/builtin-deck";
import { planBotCommands } from "./bots";
import type { GameCommand } from "./commands";
import { indexDeck } from "./deck-index";
import { cardCost, energyOf, handOf } from "./energy";
import { applyCommand, applyUnknown, createGame, midGameRound } from "./engine";
import type { GameErrorCode } from "./errors";
import { createRandom } from "./random";
import { finalScore } from "./scoring";
import { seatForNewcomer } from "./setup";
import { runBots } from "./simulate";
import type { GameState, RoundScore, Seat } from "./state";
import { viewFor } from "./view";
import { type BotStrategy, type Deck, DUTIES, type GameSettingsInput, ROLES, type Role } from "./vocabulary";

/** The built-in cards with no twists and no hand-offs, so costs and budgets are the plain rules. */
const calmDeck: Deck = {
  ...builtinDeck,
  name: "Calm classic",
  scenarios: builtinDeck.scenarios.filter((s) => !s.twist),
  handoffs: [],
};

// ─── helpers ──────────────────────────────────────────────────────────────────

function newGame(settings: GameSettingsInput = {}, deck: Deck = builtinDeck, seed = 7): GameState {
  const created = createGame(settings, deck, seed);
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

/** Apply a command that must be accepted. */
function apply(state: GameState, command: GameCommand): GameState {
  const result = applyCommand(state, command);
  if (!result.ok)
    throw new Error(`${command.type} was refused: ${result.error.code} (${result.error.message})`);
  return result.state;
}

/** Apply a command that must be refused with `code`, leaving the caller's state exactly as it was. */
function refuse(state: GameState, command: GameCommand, code: GameErrorCode): void {
  const before = structuredClone(state);
  const result = applyCommand(state, command);
  expect(result.ok, `${command.type} should be refused with ${code}`).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe(code);
    expect(result.error.message.length).toBeGreaterThan(0);
  }
  expect(state).toEqual(before);
}

function join(state: GameState, count: number, prefix = "p"): GameState {
  let next = state;
  for (let i = 1; i <= count; i++)
    next = apply(next, {
      type: "seat:add",
      seatId: `${prefix}${i}`,
      name: `${prefix} player ${i}`,
      bot: null,
    });
  return next;
}

function seatsIn(state: GameState, teamId: string): Seat[] {
  return state.seatOrder.map((id) => state.seats[id] as Seat).filter((s) => s.teamId === teamId);
}

function seat(state: GameState, seatId: string): Seat {
  const found = state.seats[seatId];
  if (!found) throw new Error(`no seat ${seatId}`);
  return found;
}

function seatWithRoles(state: GameState, teamId: string, roles: readonly Role[]): Seat {
  const found = seatsIn(state, teamId).find((s) => s.roles.join() === roles.join());
  if (!found) throw new Error(`no seat wearing ${roles.join("+")} in ${teamId}`);
  return found;
}

/** Every team decides where Community reports (through its first seat), which starts the planning. */
function decideReporting(state: GameState, side: "product" | "marketing" = "product"): GameState {
  let next = state;
  for (const teamId of state.teamOrder) {
    const first = seatsIn(next, teamId)[0];
    if (first) next = apply(next, { type: "team:chooseReporting", seatId: first.id, side });
  }
  expect(next.phase).toBe("planning");
  return next;
}

/** A started game in its first planning phase. */
function planning(
  settings: GameSettingsInput,
  people: number,
  deck: Deck = builtinDeck,
  seed = 7,
): GameState {
  return decideReporting(apply(join(newGame(settings, deck, seed), people), { type: "game:start" }));
}

function cardOf(state: GameState, cardId: string) {
  const card = indexDeck(state.deck).cards.get(cardId);
  if (!card) throw new Error(`no card ${cardId}`);
  return card;
}

/** The bots of every team act until the game is over; every command applied is returned in order. */
function playBotGame(settings: GameSettingsInput, seed: number): { state: GameState; log: GameCommand[] } {
  const log: GameCommand[] = [];
  let state = newGame(settings, builtinDeck, seed);
  const step = (command: GameCommand) => {
    state = apply(state, command);
    log.push(command);
  };
  const strategies: BotStrategy[] = ["random", "role-only", "coordinated"];
  for (const strategy of strategies)
    for (let i = 1; i <= 4; i++)
      step({ type: "seat:add", seatId: `${strategy}-${i}`, name: `${strategy} ${i}`, bot: strategy });
  step({ type: "game:start" });
  const random = createRandom(seed);
  for (let guard = 0; state.phase !== "finished"; guard++) {
    if (guard > 1000) throw new Error("the bots never finished the game");
    if (state.phase === "revealed") {
      step({ type: "round:next" });
      continue;
    }
    const phase = state.phase;
    let acted = false;
    for (const seatId of state.seatOrder) {
      for (const command of planBotCommands(state, seatId, random)) {
        step(command);
        acted = true;
        if (state.phase !== phase) break;
      }
      if (state.phase !== phase) break;
    }
    if (!acted) throw new Error(`the bots had nothing to do in phase ${state.phase}`);
  }
  return { state, log };
}

// ─── the lobby ────────────────────────────────────────────────────────────────

describe("the lobby", () => {
  it("places joining seats in teams of teamSize, opening a new team when all are full", () => {
    const state = join(newGame({ teamSize: 3 }), 7);
    expect(state.teamOrder).toHaveLength(3);
    expect(state.teamOrder.map((id) => seatsIn(state, id).length)).toEqual([3, 3, 1]);
    expect(new Set(state.teamOrder.map((id) => state.teams[id]?.name)).size).toBe(3);
  });

  it("gives a lone seat all four hats", () => {
    const state = join(newGame({ teamSize: 1 }), 1);
    expect(seat(state, "p1").roles).toEqual(["pm", "pmm", "cm", "support"]);
  });

  it("gives two seats two hats each: PM+Support and PMM+CM", () => {
    const state = join(newGame({ teamSize: 2 }), 2);
    expect(seat(state, "p1").roles).toEqual(["pm", "support"]);
    expect(seat(state, "p2").roles).toEqual(["pmm", "cm"]);
  });

  it("gives four seats one distinct role each", () => {
    const state = join(newGame({ teamSize: 4 }), 4);
    const roles = seatsIn(state, "t1").map((s) => s.roles);
    for (const r of roles) expect(r).toHaveLength(1);
    expect(roles.flat().sort()).toEqual([...ROLES].sort());
  });

  it("gives six seats one role each, every role covered and two roles shared", () => {
    const state = join(newGame({ teamSize: 6 }), 6);
    const seats = seatsIn(state, "t1");
    expect(seats).toHaveLength(6);
    const count = new Map<Role, number>();
    for (const s of seats) {
      expect(s.roles).toHaveLength(1);
      const role = s.roles[0] as Role;
      count.set(role, (count.get(role) ?? 0) + 1);
    }
    expect([...count.keys()].sort()).toEqual([...ROLES].sort());
    expect([...count.values()].sort()).toEqual([1, 1, 2, 2]);
  });

  it("re-balances hats when a seat leaves", () => {
    let state = join(newGame({ teamSize: 4 }), 3);
    expect(seatsIn(state, "t1").map((s) => s.roles.length)).toEqual([2, 1, 1]);
    state = apply(state, { type: "seat:remove", seatId: "p3" });
    expect(seatsIn(state, "t1").map((s) => s.roles)).toEqual([
      ["pm", "support"],
      ["pmm", "cm"],
    ]);
  });

  it("keeps multi-hat seats at game:start when fillWithBots is off", () => {
    const state = apply(join(newGame({ teamSize: 2, fillWithBots: false }), 2), { type: "game:start" });
    expect(state.seatOrder).toEqual(["p1", "p2"]);
    expect(seat(state, "p1").roles).toEqual(["pm", "support"]);
    expect(seat(state, "p2").roles).toEqual(["pmm", "cm"]);
  });

  it("tops every team up to four with bots at game:start; people keep one role each", () => {
    const lobby = join(newGame({ teamSize: 4, botStrategy: "role-only" }), 6);
    expect(lobby.teamOrder.map((id) => seatsIn(lobby, id).length)).toEqual([4, 2]);
    expect(seat(lobby, "p5").roles).toHaveLength(2);
    const state = apply(lobby, { type: "game:start" });
    expect(state.phase).toBe("reporting");
    expect(state.round).toBe(1);
    for (const teamId of state.teamOrder) {
      const seats = seatsIn(state, teamId);
      expect(seats).toHaveLength(4);
      expect(seats.flatMap((s) => s.roles).sort()).toEqual([...ROLES].sort());
      for (const s of seats) expect(s.roles).toHaveLength(1);
    }
    expect(seatsIn(state, "t1").every((s) => s.bot === null)).toBe(true);
    const t2 = seatsIn(state, "t2");
    expect(t2.filter((s) => s.bot === null).map((s) => s.id)).toEqual(["p5", "p6"]);
    expect(t2.filter((s) => s.bot !== null).map((s) => s.bot)).toEqual(["role-only", "role-only"]);
    const names = state.seatOrder.map((id) => seat(state, id).name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it("keeps a facilitator's role assignment from the lobby at game:start", () => {
    let state = join(newGame({ teamSize: 4 }), 3);
    state = apply(state, { type: "seat:assign", seatId: "p1", roles: ["cm"] });
    expect(seat(state, "p1").roles).toEqual(["cm"]);
    state = apply(state, { type: "game:start" });
    expect(seat(state, "p1").roles).toEqual(["cm"]);
    expect(
      seatsIn(state, "t1")
        .flatMap((s) => s.roles)
        .sort(),
    ).toEqual([...ROLES].sort());
  });

  it("does not add bots when fillWithBots is off", () => {
    const state = apply(join(newGame({ teamSize: 4, fillWithBots: false }), 6), { type: "game:start" });
    expect(state.seatOrder).toHaveLength(6);
    expect(state.seatOrder.every((id) => seat(state, id).bot === null)).toBe(true);
  });
});

// ─── dealing ──────────────────────────────────────────────────────────────────

describe("dealing (duplicate-bridge fairness)", () => {
  it("deals every team the same scenario and the same hand per role, every round", () => {
    // Team 1: four people with one hat each. Team 2: two people with two hats each.
    let state = apply(join(newGame({ teamSize: 4, fillWithBots: false, rounds: 4, handSize: 5 }), 6), {
      type: "game:start",
    });
    const scenarios = new Set<string>();
    for (let round = 1; round <= 4; round++) {
      if (state.phase === "reporting") state = decideReporting(state);
      expect(state.round).toBe(round);
      const views = state.seatOrder.map((id) => viewFor(state, { kind: "seat", seatId: id }));
      const scenario = views[0]?.scenario?.id;
      expect(scenario).toBeDefined();
      for (const view of views) expect(view.scenario?.id).toBe(scenario);
      scenarios.add(scenario as string);
      for (const role of ROLES) {
        const single = seatWithRoles(state, "t1", [role]);
        const hand = handOf(state, single);
        expect(hand).toHaveLength(5);
        // Four of the role's own cards and one from another role.
        expect(hand.filter((id) => cardOf(state, id).role === role)).toHaveLength(4);
        const multi = seatsIn(state, "t2").find((s) => s.roles.includes(role)) as Seat;
        expect(handOf(state, multi)).toEqual(expect.arrayContaining(hand));
        const viewed = viewFor(state, { kind: "seat", seatId: single.id }).me?.hand.map((c) => c.id);
        expect(viewed).toEqual(hand);
      }
      for (const s of seatsIn(state, "t2")) expect(handOf(state, s)).toHaveLength(10);
      const allHands = ROLES.flatMap((role) => handOf(state, seatWithRoles(state, "t1", [role])));
      expect(new Set(allHands).size).toBe(allHands.length);
      state = apply(apply(state, { type: "round:forceReveal" }), { type: "round:next" });
    }
    expect(state.phase).toBe("finished");
    expect(scenarios.size).toBe(4);
  });

  it("deals the same cards for the same seed and different cards for another seed", () => {
    const deals = (seed: number) =>
      apply(join(newGame({}, builtinDeck, seed), 4), { type: "game:start" }).deals;
    expect(deals(42)).toEqual(deals(42));
    expect(deals(42)).not.toEqual(deals(43));
  });
});

// ─── reporting ────────────────────────────────────────────────────────────────

describe("where Community reports", () => {
  it("moves from reporting to planning once every team has chosen", () => {
    let state = apply(join(newGame({ teamSize: 4, fillWithBots: false }), 8), { type: "game:start" });
    expect(state.phase).toBe("reporting");
    refuse(
      state,
      { type: "card:select", seatId: "p1", cardId: handOf(state, seat(state, "p1"))[0] ?? "x" },
      "action/wrong_phase",
    );
    state = apply(state, { type: "team:chooseReporting", seatId: "p2", side: "marketing" });
    expect(state.phase).toBe("reporting");
    expect(state.teams.t1?.reportsTo).toBe("marketing");
    // A teammate may change the team's mind while others are still deciding.
    state = apply(state, { type: "team:chooseReporting", seatId: "p3", side: "product" });
    expect(state.teams.t1?.reportsTo).toBe("product");
    expect(state.phase).toBe("reporting");
    state = apply(state, { type: "team:chooseReporting", seatId: "p5", side: "marketing" });
    expect(state.phase).toBe("planning");
    expect(state.teams.t2?.reportsTo).toBe("marketing");
    refuse(state, { type: "team:chooseReporting", seatId: "p1", side: "marketing" }, "action/wrong_phase");
  });

  it("asks again at the mid-game review", () => {
    let state = planning({ rounds: 5, fillWithBots: false }, 4);
    expect(midGameRound(5)).toBe(3);
    for (let round = 1; round < 3; round++)
      state = apply(apply(state, { type: "round:forceReveal" }), { type: "round:next" });
    expect(state.round).toBe(3);
    expect(state.phase).toBe("reporting");
    state = apply(state, { type: "team:chooseReporting", seatId: "p4", side: "marketing" });
    expect(state.phase).toBe("planning");
    expect(state.teams.t1?.reportsTo).toBe("marketing");
  });
});

// ─── energy ───────────────────────────────────────────────────────────────────

describe("energy", () => {
  it("accepts cards within the budget, refuses the rest, and never goes below 0", () => {
    let state = planning({ energyPerRole: 3, fillWithBots: false }, 4, calmDeck);
    let accepted = 0;
    let refused = 0;
    for (const seatId of state.seatOrder) {
      for (const cardId of handOf(state, seat(state, seatId))) {
        const before = energyOf(state, seatId);
        const cost = cardCost(
          indexDeck(state.deck),
          seat(state, seatId),
          cardOf(state, cardId),
          "product",
          [],
        );
        if (cost <= before.left) {
          state = apply(state, { type: "card:select", seatId, cardId });
          expect(energyOf(state, seatId)).toEqual({
            budget: 3,
            spent: before.spent + cost,
            left: before.left - cost,
          });
          accepted++;
        } else {
          refuse(state, { type: "card:select", seatId, cardId }, "action/not_enough_energy");
          refused++;
        }
        expect(energyOf(state, seatId).left).toBeGreaterThanOrEqual(0);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    // Unselecting gives the energy back.
    const first = seat(state, "p1").selected[0] as string;
    const card = cardOf(state, first);
    const spent = energyOf(state, "p1").spent;
    state = apply(state, { type: "card:unselect", seatId: "p1", cardId: first });
    const offRole = seat(state, "p1").roles.includes(card.role) ? 0 : 1;
    expect(energyOf(state, "p1").spent).toBe(spent - card.cost - offRole);
  });

  it("charges +1 for another role's card", () => {
    let state = planning({ energyPerRole: 10, fillWithBots: false }, 4, calmDeck);
    const pm = seatWithRoles(state, "t1", ["pm"]);
    const offRole = handOf(state, pm)
      .map((id) => cardOf(state, id))
      .find((c) => c.role !== "pm");
    if (!offRole) throw new Error("every hand holds one card from another role");
    const owner = seatWithRoles(state, "t1", [offRole.role]);
    const index = indexDeck(state.deck);
    expect(cardCost(index, pm, offRole, null, [])).toBe(offRole.cost + 1);
    expect(cardCost(index, owner, offRole, null, [])).toBe(offRole.cost);
    state = apply(state, { type: "card:select", seatId: pm.id, cardId: offRole.id });
    expect(energyOf(state, pm.id).spent).toBe(offRole.cost + 1);
    const view = viewFor(state, { kind: "seat", seatId: pm.id });
    const card = view.me?.hand.find((c) => c.id === offRole.id);
    expect(card?.offRole).toBe(true);
    expect(card?.cost).toBe(offRole.cost + 1);
  });

  it("makes seats that share a role share one budget and one hand", () => {
    let state = planning({ teamSize: 6, energyPerRole: 4, fillWithBots: false }, 6, calmDeck);
    const [a, b] = seatsIn(state, "t1").filter((s) => s.roles.join() === "pm");
    if (!a || !b) throw new Error("six seats share the PM role");
    expect(handOf(state, a)).toEqual(handOf(state, b));
    const hand = handOf(state, a).filter((id) => cardOf(state, id).role === "pm");
    const cheapest = [...hand].sort((x, y) => cardOf(state, x).cost - cardOf(state, y).cost)[0] as string;
    state = apply(state, { type: "card:select", seatId: a.id, cardId: cheapest });
    const cost = cardOf(state, cheapest).cost;
    expect(energyOf(state, b.id)).toEqual({ budget: 4, spent: cost, left: 4 - cost });
    expect(energyOf(state, a.id)).toEqual(energyOf(state, b.id));
    // B sees the card as taken by A, and cannot take it too.
    const view = viewFor(state, { kind: "seat", seatId: b.id });
    expect(view.me?.hand.find((c) => c.id === cheapest)?.takenBy).toBe(a.name);
    refuse(state, { type: "card:select", seatId: b.id, cardId: cheapest }, "action/card_taken");
    // B spends the rest of the shared budget; A can then afford nothing more than what is left.
    for (const cardId of hand) {
      if (cardId === cheapest) continue;
      const result = applyCommand(state, { type: "card:select", seatId: b.id, cardId });
      if (result.ok) state = result.state;
      else expect(result.error.code).toBe("action/not_enough_energy");
    }
    const left = energyOf(state, a.id).left;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(energyOf(state, b.id).left).toBe(left);
    const others = handOf(state, a).filter(
      (id) => !seat(state, b.id).selected.includes(id) && id !== cheapest,
    );
    for (const cardId of others) {
      const cost = cardCost(indexDeck(state.deck), a, cardOf(state, cardId), "product", []);
      if (cost > left)
        refuse(state, { type: "card:select", seatId: a.id, cardId }, "action/not_enough_energy");
    }
    // A seat of another role keeps its own budget.
    expect(energyOf(state, seatWithRoles(state, "t1", ["cm"]).id)).toEqual({ budget: 4, spent: 0, left: 4 });
  });

  it("gives a multi-hat seat energyPerRole + hats − 1", () => {
    const lone = planning({ teamSize: 1, energyPerRole: 3, fillWithBots: false }, 1, calmDeck);
    expect(energyOf(lone, "p1").budget).toBe(3 + 3);
    const pair = planning({ teamSize: 2, energyPerRole: 3, fillWithBots: false }, 2, calmDeck);
    expect(energyOf(pair, "p1").budget).toBe(3 + 1);
    expect(energyOf(pair, "p2").budget).toBe(3 + 1);
    const trio = planning({ teamSize: 3, energyPerRole: 3, fillWithBots: false }, 3, calmDeck);
    expect(trio.seatOrder.map((id) => [seat(trio, id).roles.length, energyOf(trio, id).budget])).toEqual([
      [2, 4],
      [1, 3],
      [1, 3],
    ]);
    // A multi-hat seat plays every hat's cards at their own cost, from its one bigger budget.
    let state = lone;
    const hand = handOf(state, seat(state, "p1"));
    expect(hand).toHaveLength(20);
    for (const cardId of hand) {
      const result = applyCommand(state, { type: "card:select", seatId: "p1", cardId });
      if (result.ok) state = result.state;
    }
    const spent = seat(state, "p1").selected.reduce((sum, id) => sum + cardOf(state, id).cost, 0);
    expect(energyOf(state, "p1")).toEqual({ budget: 6, spent, left: 6 - spent });
    expect(spent).toBeGreaterThan(3);
  });
});

// ─── the round ────────────────────────────────────────────────────────────────

/** Each seat selects the first cards of its hand it can afford. */
function selectSome(state: GameState, seatIds: readonly string[] = state.seatOrder): GameState {
  let next = state;
  for (const seatId of seatIds) {
    for (const cardId of handOf(next, seat(next, seatId))) {
      const result = applyCommand(next, { type: "card:select", seatId, cardId });
      if (result.ok) next = result.state;
    }
  }
  return next;
}

describe("lock-in, the timer and the reveal", () => {
  it("reveals and scores once every seat of every team has locked in", () => {
    let state = selectSome(planning({ teamSize: 4, fillWithBots: false }, 8));
    const chosen = new Map(state.seatOrder.map((id) => [id, [...seat(state, id).selected]]));
    for (const [i, seatId] of state.seatOrder.entries()) {
      state = apply(state, { type: "seat:lockIn", seatId });
      if (i < state.seatOrder.length - 1) expect(state.phase).toBe("planning");
      if (i === 3) {
        // A locked seat cannot change its cards until it unlocks.
        const card = seat(state, seatId).selected[0] as string;
        refuse(state, { type: "card:unselect", seatId, cardId: card }, "action/locked");
        refuse(state, { type: "seat:lockIn", seatId }, "action/locked");
        state = apply(state, { type: "seat:unlock", seatId });
        refuse(state, { type: "seat:unlock", seatId }, "action/not_locked");
        state = apply(state, { type: "seat:lockIn", seatId });
      }
    }
    expect(state.phase).toBe("revealed");
    for (const teamId of state.teamOrder) {
      const team = state.teams[teamId];
      expect(team?.roundScores).toHaveLength(1);
      const score = team?.roundScores[0] as RoundScore;
      expect(score.round).toBe(1);
      const expected = seatsIn(state, teamId).flatMap((s) =>
        (chosen.get(s.id) ?? []).map((cardId) => `${s.id}:${cardId}`),
      );
      expect(score.plays.map((p) => `${p.seatId}:${p.cardId}`).sort()).toEqual(expected.sort());
      expect(team?.total).toBe(score.score);
    }
    refuse(
      state,
      { type: "card:select", seatId: "p1", cardId: handOf(state, seat(state, "p1"))[0] as string },
      "action/wrong_phase",
    );
  });

  it("reveals on timer expiry with the selected (unlocked) cards counting", () => {
    let state = planning({ teamSize: 4, fillWithBots: false }, 4);
    state = selectSome(state, ["p1", "p3"]);
    state = apply(state, { type: "seat:lockIn", seatId: "p2" });
    const selected = [...seat(state, "p1").selected, ...seat(state, "p3").selected];
    expect(selected.length).toBeGreaterThan(0);
    state = apply(state, { type: "round:timerExpired", round: 1 });
    expect(state.phase).toBe("revealed");
    const score = state.teams.t1?.roundScores[0] as RoundScore;
    expect(score.plays.map((p) => p.cardId).sort()).toEqual(selected.sort());
    expect(state.seatOrder.every((id) => seat(state, id).locked)).toBe(true);
  });

  it("refuses a stale timer from an earlier round", () => {
    let state = planning({ teamSize: 4, fillWithBots: false }, 4);
    state = apply(apply(state, { type: "round:timerExpired", round: 1 }), { type: "round:next" });
    expect(state.round).toBe(2);
    expect(state.phase).toBe("planning");
    refuse(state, { type: "round:timerExpired", round: 1 }, "action/stale");
    refuse(
      state,
      { type: "card:select", seatId: "p1", cardId: handOf(state, seat(state, "p1"))[0] as string, round: 1 },
      "action/stale",
    );
    state = apply(state, {
      type: "card:select",
      seatId: "p1",
      cardId: handOf(state, seat(state, "p1"))[0] as string,
      round: 2,
    });
    expect(seat(state, "p1").selected).toHaveLength(1);
  });

  it("refuses player commands and the timer while paused, and accepts them again after resume", () => {
    let state = selectSome(planning({ teamSize: 4, fillWithBots: false }, 4), ["p1"]);
    state = apply(state, {
      type: "card:show",
      seatId: "p1",
      cardId: seat(state, "p1").selected[0] as string,
    });
    state = apply(state, { type: "game:pause" });
    expect(state.paused).toBe(true);
    const unplayed = handOf(state, seat(state, "p2"))[0] as string;
    const mine = seat(state, "p1").selected[0] as string;
    refuse(state, { type: "card:select", seatId: "p2", cardId: unplayed }, "game/paused");
    refuse(state, { type: "card:unselect", seatId: "p1", cardId: mine }, "game/paused");
    refuse(state, { type: "card:show", seatId: "p2", cardId: unplayed }, "game/paused");
    refuse(state, { type: "seat:lockIn", seatId: "p1" }, "game/paused");
    refuse(state, { type: "seat:unlock", seatId: "p1" }, "game/paused");
    refuse(state, { type: "team:chooseReporting", seatId: "p1", side: "marketing" }, "game/paused");
    refuse(state, { type: "round:timerExpired", round: 1 }, "game/paused");
    refuse(state, { type: "game:pause" }, "game/paused");
    state = apply(state, { type: "game:resume" });
    refuse(state, { type: "game:resume" }, "game/not_paused");
    state = apply(state, { type: "card:select", seatId: "p2", cardId: unplayed });
    expect(seat(state, "p2").selected).toEqual([unplayed]);
  });
});

// ─── refusals ─────────────────────────────────────────────────────────────────

describe("illegal commands", () => {
  it("return a typed error and leave the caller's state exactly as it was", () => {
    const lobby = join(newGame({ teamSize: 4, fillWithBots: false }), 4);
    refuse(lobby, { type: "seat:add", seatId: "p1", name: "Someone new", bot: null }, "seat/exists");
    refuse(lobby, { type: "seat:add", seatId: "p9", name: "P PLAYER 1", bot: null }, "seat/name_taken");
    refuse(lobby, { type: "seat:remove", seatId: "nobody" }, "seat/not_found");
    refuse(lobby, { type: "seat:assign", seatId: "p1", teamId: "t9" }, "team/not_found");
    refuse(lobby, { type: "seat:assign", seatId: "p1", roles: ["pm", "pm"] }, "seat/invalid_roles");
    refuse(lobby, { type: "seat:assign", seatId: "p1" }, "action/invalid");
    refuse(lobby, { type: "card:select", seatId: "p1", cardId: "pm-write-prd" }, "game/not_started");
    refuse(lobby, { type: "game:pause" }, "game/not_started");
    refuse(lobby, { type: "round:next" }, "action/wrong_phase");
    refuse(lobby, { type: "round:forceReveal" }, "action/wrong_phase");
    refuse(newGame(), { type: "game:start" }, "game/no_seats");

    let state = decideReporting(apply(lobby, { type: "game:start" }));
    refuse(state, { type: "game:start" }, "game/already_started");
    refuse(state, { type: "round:next" }, "action/wrong_phase");
    refuse(state, { type: "card:select", seatId: "ghost", cardId: "pm-write-prd" }, "seat/not_found");
    refuse(state, { type: "card:select", seatId: "p1", cardId: "no-such-card" }, "action/card_not_in_hand");
    const notMine = handOf(state, seat(state, "p2"))[0] as string;
    refuse(state, { type: "card:select", seatId: "p1", cardId: notMine }, "action/card_not_in_hand");
    refuse(state, { type: "card:show", seatId: "p1", cardId: notMine }, "action/card_not_in_hand");
    refuse(state, { type: "card:unselect", seatId: "p1", cardId: notMine }, "action/not_selected");
    refuse(state, { type: "seat:unlock", seatId: "p1" }, "action/not_locked");
    const mine = handOf(state, seat(state, "p1"))[0] as string;
    state = apply(state, { type: "card:select", seatId: "p1", cardId: mine });
    refuse(state, { type: "card:select", seatId: "p1", cardId: mine }, "action/already_selected");
    state = apply(state, { type: "card:show", seatId: "p1", cardId: mine });
    refuse(state, { type: "card:show", seatId: "p1", cardId: mine }, "action/already_shown");

    state = apply(state, { type: "game:end" });
    refuse(state, { type: "game:end" }, "game/finished");
    refuse(state, { type: "seat:add", seatId: "late", name: "Late", bot: null }, "game/finished");
    refuse(state, { type: "card:select", seatId: "p1", cardId: mine }, "game/finished");
    refuse(state, { type: "game:pause" }, "game/finished");
  });

  it("refuses malformed input through applyUnknown without touching the state", () => {
    const state = planning({ fillWithBots: false }, 4);
    const before = structuredClone(state);
    for (const input of [
      null,
      42,
      "card:select",
      {},
      { type: "card:select" },
      { type: "card:select", seatId: "p1", cardId: 7 },
      { type: "card:select", seatId: "p1", cardId: "pm-write-prd", extra: true },
      { type: "seat:add", seatId: "x", name: "   " },
      { type: "round:timerExpired", round: 0 },
      { type: "teleport", seatId: "p1" },
    ]) {
      const result = applyUnknown(state, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("action/invalid");
    }
    expect(state).toEqual(before);
  });

  it("never changes the state it is given, even for accepted commands", () => {
    const state = planning({ fillWithBots: false }, 4);
    const before = structuredClone(state);
    const next = apply(state, {
      type: "card:select",
      seatId: "p1",
      cardId: handOf(state, seat(state, "p1"))[0] as string,
    });
    expect(next).not.toBe(state);
    expect(next.version).toBe(state.version + 1);
    expect(state).toEqual(before);
  });
});

// ─── scores and the end of the game ───────────────────────────────────────────

/** Every check a debrief relies on for one round score. */
function expectTraceable(state: GameState, score: RoundScore): void {
  const index = indexDeck(state.deck);
  for (const duty of DUTIES) {
    expect(score.coverage[duty]).toBeGreaterThanOrEqual(0);
    expect(score.coverage[duty]).toBeLessThanOrEqual(1);
  }
  const cardLines = score.lines.filter((l) => l.kind === "card");
  const expected: string[] = [];
  for (const play of score.plays) {
    const card = index.cards.get(play.cardId);
    if (!card) continue;
    for (const duty of DUTIES) {
      const points = card.points[duty] ?? 0;
      if (points > 0) expected.push(`${play.seatId}|${card.id}|${duty}|${points}`);
    }
  }
  expect(cardLines.map((l) => `${l.seatId}|${l.cardId}|${l.duty}|${l.points}`).sort()).toEqual(
    expected.sort(),
  );
  // Supply per duty is exactly the sum of the lines that supply it.
  for (const duty of DUTIES) {
    const traced = score.lines
      .filter(
        (l) => l.duty === duty && ["card", "handoff", "investment", "twist", "breadth"].includes(l.kind),
      )
      .reduce((sum, l) => sum + l.points, 0);
    expect(traced).toBeCloseTo(score.supply[duty], 6);
    expect(
      score.lines.some((l) => l.kind === "demand" && l.duty === duty && l.points === score.demand[duty]),
    ).toBe(true);
  }
  const mean = DUTIES.reduce((sum, d) => sum + score.coverage[d], 0) / DUTIES.length;
  const bonus = score.handoffs.reduce((sum, h) => sum + h.bonus, 0);
  expect(score.score).toBe(Math.max(0, Math.round(100 * mean + bonus - score.waste)));
}

describe("scores", () => {
  it("account for every played card, seat by seat, with coverage in [0, 1]", () => {
    let checked = 0;
    let handoffs = 0;
    let investments = 0;
    for (const seed of [1, 2, 3]) {
      const { state } = playBotGame({ teamSize: 4, rounds: 6 }, seed);
      for (const teamId of state.teamOrder) {
        const team = state.teams[teamId];
        expect(team?.roundScores).toHaveLength(6);
        for (const score of team?.roundScores ?? []) {
          expectTraceable(state, score);
          checked++;
          handoffs += score.handoffs.length;
          investments += score.lines.filter((l) => l.kind === "investment").length;
        }
      }
    }
    expect(checked).toBe(3 * 3 * 6);
    // The bots exercise hand-offs and investments, so those lines are checked too.
    expect(handoffs).toBeGreaterThan(0);
    expect(investments).toBeGreaterThan(0);
  });

  it("a round with no cards played covers only duties nobody demanded", () => {
    const state = apply(planning({ fillWithBots: false }, 4), { type: "round:forceReveal" });
    const score = state.teams.t1?.roundScores[0] as RoundScore;
    expect(score.plays).toEqual([]);
    expectTraceable(state, score);
    for (const duty of DUTIES) expect(score.coverage[duty]).toBe(score.demand[duty] > 0 ? 0 : 1);
  });

  it("finishes the game with final scores after round:next of the last round", () => {
    let state = planning({ rounds: 2, teamSize: 4, fillWithBots: false }, 8);
    state = apply(apply(selectSome(state), { type: "round:forceReveal" }), { type: "round:next" });
    expect(state.round).toBe(2);
    state = apply(selectSome(state), { type: "round:timerExpired", round: 2 });
    expect(state.phase).toBe("revealed");
    expect(state.finalScores).toBeNull();
    state = apply(state, { type: "round:next" });
    expect(state.phase).toBe("finished");
    expect(state.round).toBe(2);
    for (const teamId of state.teamOrder) {
      const team = state.teams[teamId];
      if (!team) throw new Error("missing team");
      expect(team.roundScores).toHaveLength(2);
      expect(team.total).toBe(team.roundScores.reduce((sum, s) => sum + s.score, 0));
      const meters = (team.meters.trust + team.meters.awareness + team.meters.fit) / 3;
      expect(state.finalScores?.[teamId]).toBe(team.total + Math.round(meters));
      expect(state.finalScores?.[teamId]).toBe(finalScore(team));
    }
    const board = viewFor(state, { kind: "host" }).leaderboard;
    expect(board.map((row) => row.final)).toEqual(board.map((row) => state.finalScores?.[row.teamId]));
    refuse(state, { type: "round:next" }, "action/wrong_phase");
    refuse(state, { type: "seat:lockIn", seatId: "p1" }, "game/finished");
  });
});

// ─── determinism ──────────────────────────────────────────────────────────────

describe("determinism", () => {
  it("replays a recorded bot game into the same state and the same scores", () => {
    const settings: GameSettingsInput = { teamSize: 4, rounds: 5 };
    const recorded = playBotGame(settings, 2024);
    expect(recorded.state.phase).toBe("finished");
    expect(recorded.log.length).toBeGreaterThan(30);
    // The log as a server would store it: JSON, parsed again on the way in.
    const stored: unknown[] = JSON.parse(JSON.stringify(recorded.log));
    let replay = newGame(settings, builtinDeck, 2024);
    for (const command of stored) {
      const result = applyUnknown(replay, command);
      if (!result.ok) throw new Error(`replay refused ${JSON.stringify(command)}: ${result.error.message}`);
      replay = result.state;
    }
    expect(replay).toEqual(recorded.state);
    expect(replay.finalScores).toEqual(recorded.state.finalScores);
    const scores = (s: GameState) => s.teamOrder.map((id) => s.teams[id]?.roundScores.map((r) => r.score));
    expect(scores(replay)).toEqual(scores(recorded.state));

    // Playing again from scratch gives the same commands and the same game.
    const again = playBotGame(settings, 2024);
    expect(again.log).toEqual(recorded.log);
    expect(again.state).toEqual(recorded.state);
  });

  it("gives the same game through runBots for the same seed", () => {
    const play = (seed: number) => {
      let state = newGame({ teamSize: 4, rounds: 4, botStrategy: "coordinated" }, builtinDeck, seed);
      state = join(state, 1);
      state = apply(state, { type: "seat:setBot", seatId: "p1", bot: "coordinated" });
      state = apply(state, { type: "game:start" });
      const random = createRandom(seed);
      for (let guard = 0; state.phase !== "finished" && guard < 100; guard++) {
        state = state.phase === "revealed" ? apply(state, { type: "round:next" }) : runBots(state, random);
      }
      return state;
    };
    const first = play(99);
    expect(first.phase).toBe("finished");
    expect(play(99)).toEqual(first);
  });
});

// ─── seats leaving and moving ─────────────────────────────────────────────────

describe("seats leaving and moving", () => {
  it("does not reuse a team id after a lobby team empties", () => {
    let state = join(newGame({ teamSize: 1 }), 2);
    state = apply(state, { type: "seat:remove", seatId: "p1" });
    state = apply(state, { type: "seat:add", seatId: "p3", name: "Third", bot: null });
    expect(new Set(state.teamOrder).size).toBe(state.teamOrder.length);
    for (const teamId of state.teamOrder) expect(seatsIn(state, teamId).length).toBeLessThanOrEqual(1);
  });

  it("does not score a team whose seats all left", () => {
    let state = planning({ teamSize: 2, fillWithBots: false }, 4);
    state = apply(state, { type: "seat:remove", seatId: "p3" });
    state = apply(state, { type: "seat:remove", seatId: "p4" });
    state = apply(state, { type: "round:forceReveal" });
    expect(state.teams.t2?.roundScores).toEqual([]);
    expect(state.teams.t2?.total).toBe(0);
    expect(state.teams.t1?.roundScores).toHaveLength(1);
  });

  it("gives a bot a fresh seat id when a person already holds the usual one", () => {
    let state = newGame({ teamSize: 4, fillWithBots: true });
    state = apply(state, { type: "seat:add", seatId: "bot-t1-2", name: "Sneaky", bot: null });
    state = apply(state, { type: "game:start" });
    expect(new Set(state.seatOrder).size).toBe(state.seatOrder.length);
    expect(state.seats["bot-t1-2"]?.name).toBe("Sneaky");
    expect(new Set(seatsIn(state, "t1").flatMap((s) => s.roles)).size).toBe(4);
  });

  it("hands a moved seat's roles to a teammate so its old team keeps every role", () => {
    let state = planning({ teamSize: 4, fillWithBots: false }, 8);
    const moved = seatsIn(state, "t1")[0] as Seat;
    state = apply(state, { type: "seat:assign", seatId: moved.id, teamId: "t2" });
    expect(new Set(seatsIn(state, "t1").flatMap((s) => s.roles))).toEqual(
      new Set(["pm", "pmm", "cm", "support"]),
    );
    expect(state.seats[moved.id]?.teamId).toBe("t2");
  });
});

// ─── people arriving late and the bots toggle ─────────────────────────────────

describe("taking over a seat and toggling bots", () => {
  it("lets a latecomer take over a bot's seat with its cards, under their own name", () => {
    let state = planning({ teamSize: 4, fillWithBots: true }, 2);
    const bot = seatsIn(state, "t1").find((s) => s.bot) as Seat;
    const taken = applyUnknown(state, { type: "seat:takeOver", seatId: bot.id, name: "  Zoë  Late " });
    if (!taken.ok) throw new Error(taken.error.message);
    state = taken.state;
    const seat = state.seats[bot.id] as Seat;
    expect(seat.name).toBe("Zoë Late");
    expect(seat.bot).toBeNull();
    expect(seat.roles).toEqual(bot.roles);
    expect(viewFor(state, { kind: "seat", seatId: bot.id }).me?.hand.length).toBeGreaterThan(0);
  });

  it("refuses a take-over under a name someone else uses", () => {
    const state = planning({ teamSize: 4, fillWithBots: true }, 2);
    const bot = seatsIn(state, "t1").find((s) => s.bot) as Seat;
    const taken = state.seats.p1?.name as string;
    refuse(state, { type: "seat:takeOver", seatId: bot.id, name: taken.toUpperCase() }, "seat/name_taken");
    refuse(state, { type: "seat:takeOver", seatId: "nobody", name: "Zed" }, "seat/not_found");
  });

  it("switches bot filling off in the lobby, and refuses once the game has started", () => {
    let state = join(newGame({ teamSize: 4, fillWithBots: true }), 2);
    state = apply(state, { type: "game:setBots", fillWithBots: false });
    state = apply(state, { type: "game:start" });
    expect(state.seatOrder).toHaveLength(2);
    refuse(state, { type: "game:setBots", fillWithBots: true }, "game/already_started");
  });
});

describe("where a newcomer sits", () => {
  it("gives people their own away seat back, then a bot's seat on the team with fewest people, then an away seat", () => {
    const lobby = join(newGame({ teamSize: 4, fillWithBots: true }), 3);
    expect(seatForNewcomer(lobby, "Someone", new Set())).toEqual({ kind: "new" });
    const own = seat(lobby, "p2").name;
    expect(seatForNewcomer(lobby, own.toUpperCase(), new Set(["p2"]))).toEqual({
      kind: "reclaim",
      seatId: "p2",
    });
    expect(seatForNewcomer(lobby, own, new Set())).toEqual({ kind: "new" });

    const started = planning({ teamSize: 2, fillWithBots: true }, 3);
    const lonely = seatsIn(started, "t2");
    const taken = seatForNewcomer(started, "Late", new Set());
    expect(taken.kind).toBe("takeOver");
    expect(lonely.map((s) => s.id)).toContain(taken.kind === "takeOver" ? taken.seatId : "");
    expect(seat(started, taken.kind === "takeOver" ? taken.seatId : "").bot).not.toBeNull();

    const noBots = planning({ teamSize: 2, fillWithBots: false }, 3);
    expect(seatForNewcomer(noBots, "Late", new Set())).toEqual({ kind: "new" });
    expect(seatForNewcomer(noBots, "Late", new Set(["p1"]))).toEqual({ kind: "takeOver", seatId: "p1" });
  });
});

describe("stale player commands", () => {
  it("refuses a command for a round or phase that is not the current one, and nothing else", () => {
    const state = planning({ teamSize: 4, fillWithBots: false }, 4);
    refuse(state, { type: "seat:lockIn", seatId: "p1", round: 2 }, "action/stale");
    refuse(
      state,
      { type: "team:chooseReporting", seatId: "p1", side: "marketing", round: 1, phase: "reporting" },
      "action/stale",
    );
    const lobby = join(newGame(), 1);
    refuse(lobby, { type: "seat:lockIn", seatId: "p1", round: 1 }, "action/stale");
    refuse(lobby, { type: "seat:lockIn", seatId: "p1", round: 0 }, "game/not_started");
    apply(state, { type: "seat:lockIn", seatId: "p1", round: 1, phase: "planning" });
  });
});
