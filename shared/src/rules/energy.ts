/**
 * Energy, hands and costs. These are the functions a client calls to grey out a card the player
 * cannot afford; the engine calls the same ones to refuse the selection.
 */
import { type DeckIndex, indexDeck } from "./deck-index";
import { type GameError, gameError } from "./errors";
import type { GameState, Play, Seat } from "./state";
import type { ActionCard, Role, ScenarioCard, TwistEffect } from "./vocabulary";

export function currentDeal(state: GameState) {
  return state.round >= 1 ? state.deals[state.round - 1] : undefined;
}

export function currentScenario(state: GameState): ScenarioCard | undefined {
  const deal = currentDeal(state);
  return deal ? indexDeck(state.deck).scenarios.get(deal.scenarioId) : undefined;
}

/** A scenario without a twist: one list, so that what is worked out per list (`frozenRoles`) is kept. */
const NO_EFFECTS: readonly TwistEffect[] = Object.freeze([]);

export function twistEffects(state: GameState): readonly TwistEffect[] {
  return currentScenario(state)?.twist?.effects ?? NO_EFFECTS;
}

/** Twist effects belong to the deck and never change: each list's frozen roles are worked out once. */
const frozenByEffects = new WeakMap<readonly TwistEffect[], ReadonlySet<Role>>();

export function frozenRoles(effects: readonly TwistEffect[]): ReadonlySet<Role> {
  let frozen = frozenByEffects.get(effects);
  if (!frozen) {
    const out = new Set<Role>();
    for (const e of effects) if (e.kind === "roleFrozen") out.add(e.role);
    frozen = out;
    frozenByEffects.set(effects, frozen);
  }
  return frozen;
}

/** Seats that wear the same set of roles in a team share one energy budget. */
export function poolKey(seat: Seat): string {
  return seat.roles.join("+");
}

/** One budget plus 1 per extra hat; a frozen role's hat brings nothing; twists may add or remove energy. */
export function budgetFor(
  roles: readonly Role[],
  energyPerRole: number,
  effects: readonly TwistEffect[],
): number {
  const frozen = frozenRoles(effects);
  let active = 0;
  for (const role of roles) if (!frozen.has(role)) active++;
  if (active === 0) return 0;
  let delta = 0;
  for (const e of effects) if (e.kind === "energyDelta") delta += e.delta;
  return Math.max(0, energyPerRole + active - 1 + delta);
}

/** The cards a seat holds this round: the hands of every role it wears. */
export function handOf(state: GameState, seat: Seat): string[] {
  const deal = currentDeal(state);
  if (!deal || seat.roles.length === 0) return [];
  if (seat.roles.length === 1) return deal.hands[seat.roles[0] as Role];
  return seat.roles.flatMap((role) => deal.hands[role]);
}

/**
 * What a card costs this seat: its cost, +1 when it is another role's card, twist cost changes,
 * and 1 less when it is half of a hand-off with the side Community reports to. Never below 0.
 */
export function cardCost(
  index: DeckIndex,
  seat: Seat,
  card: ActionCard,
  reportsTo: "product" | "marketing" | null,
  effects: readonly TwistEffect[],
): number {
  let cost = card.cost;
  if (!seat.roles.includes(card.role)) cost += 1;
  for (const e of effects) {
    if (e.kind === "dutyCostDelta" && (card.points[e.duty] ?? 0) > 0) cost += e.delta;
  }
  if (reportsTo && index.discounted[reportsTo].has(card.id)) cost -= 1;
  return Math.max(0, cost);
}

/**
 * What the given cards (those in the deck) cost `seat` now, in all; each is added to `plays` (in
 * order) when it is given. One loop for plays and energy, with no callback: under tsx a named
 * closure made per call costs an `Object.defineProperty`.
 */
function priceCards(state: GameState, seat: Seat, cardIds: readonly string[], plays?: Play[]): number {
  const index = indexDeck(state.deck);
  const reportsTo = (seat.teamId ? state.teams[seat.teamId]?.reportsTo : null) ?? null;
  const effects = twistEffects(state);
  let total = 0;
  for (const cardId of cardIds) {
    const card = index.cards.get(cardId);
    if (!card) continue;
    const cost = cardCost(index, seat, card, reportsTo, effects);
    total += cost;
    plays?.push({ seatId: seat.id, cardId, cost });
  }
  return total;
}

/** The given cards of a seat (its chosen ones by default) as plays, each with what it costs that seat now. */
export function playsOf(state: GameState, seat: Seat, cardIds: readonly string[] = seat.selected): Play[] {
  const plays: Play[] = [];
  priceCards(state, seat, cardIds, plays);
  return plays;
}

export interface Energy {
  budget: number;
  spent: number;
  left: number;
}

/** The energy of the budget this seat draws on (shared with teammates who wear the same roles). */
export function energyOf(state: GameState, seatId: string): Energy {
  const seat = state.seats[seatId];
  if (!seat?.teamId) return { budget: 0, spent: 0, left: 0 };
  const effects = twistEffects(state);
  const budget = budgetFor(seat.roles, state.settings.energyPerRole, effects);
  // What playsOf prices the pool's choices at, summed without making the plays.
  let spent = 0;
  for (const id of state.seatOrder) {
    const mate = state.seats[id];
    if (!mate || mate.teamId !== seat.teamId || !sameRoles(mate.roles, seat.roles)) continue;
    spent += priceCards(state, mate, mate.selected);
  }
  return { budget, spent, left: budget - spent };
}

/** The same roles in the same order: the same `poolKey`, without joining strings. */
export function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * What may stop one seat choosing a card now, worked out once for the seat so that a whole hand
 * is judged with it (`choiceProblem`): the seat's own state, its hand, who in the team has chosen
 * what, the twist and the energy left in its pool.
 */
export interface SeatChoices {
  readonly state: GameState;
  readonly seat: Seat;
  readonly index: DeckIndex;
  readonly effects: readonly TwistEffect[];
  readonly reportsTo: "product" | "marketing" | null;
  /** Why the seat may choose nothing now (no team, wrong phase, paused, locked in), or null. */
  readonly blocked: GameError | null;
  readonly hand: readonly string[];
  /** Each card a teammate has chosen, with that teammate's name. */
  readonly takenBy: ReadonlyMap<string, string>;
  readonly frozen: ReadonlySet<Role>;
  /** The seat's pool: its budget, what its seats' choices cost, what is left. */
  readonly energy: Energy;
}

/**
 * Why the seat may choose no card now (no team or role, wrong phase, paused, locked in), or null.
 * It reads only what a seat's own view shows too (the game's phase and pause; the seat's team,
 * roles and lock-in), so a client judges it from the view the same way: a card's `problem` in the
 * view leaves this out (`cardProblem`).
 */
export function seatBlocked(
  game: { phase: GameState["phase"]; paused: boolean },
  seat: { teamId: string | null; roles: readonly Role[]; locked: boolean },
): GameError | null {
  if (!seat.teamId || seat.roles.length === 0) return NO_TEAM;
  if (game.phase !== "planning") return WRONG_PHASE;
  if (game.paused) return PAUSED;
  if (seat.locked) return LOCKED;
  return null;
}

// What blocks a whole seat says the same every time: one frozen value each, not one per call
// (`choicesOf` judges it for every seat whose view is worked out).
const NO_TEAM = Object.freeze(
  gameError("seat/no_team", "This seat has no team or role yet; it joins at the next round."),
);
const WRONG_PHASE = Object.freeze(
  gameError("action/wrong_phase", "Cards can only be chosen while the round is being planned."),
);
const PAUSED = Object.freeze(gameError("game/paused", "The facilitator has paused the game."));
const LOCKED = Object.freeze(
  gameError("action/locked", "You have locked in; unlock first to change your cards."),
);

export function choicesOf(state: GameState, seat: Seat): SeatChoices {
  const index = indexDeck(state.deck);
  const effects = twistEffects(state);
  const reportsTo = (seat.teamId ? state.teams[seat.teamId]?.reportsTo : null) ?? null;
  const takenBy = new Map<string, string>();
  if (seat.teamId)
    for (const id of state.seatOrder) {
      const mate = state.seats[id];
      if (!mate || mate.id === seat.id || mate.teamId !== seat.teamId) continue;
      for (const cardId of mate.selected) if (!takenBy.has(cardId)) takenBy.set(cardId, mate.name);
    }
  return {
    state,
    seat,
    index,
    effects,
    reportsTo,
    blocked: seatBlocked(state, seat),
    hand: handOf(state, seat),
    takenBy,
    frozen: frozenRoles(effects),
    energy: energyOf(state, seat.id),
  };
}

/** Why the seat of `choices` may not select this card now, or null if it may. */
export function choiceProblem(choices: SeatChoices, cardId: string): GameError | null {
  return choices.blocked ?? cardProblem(choices, cardId);
}

/**
 * Why the seat of `choices` may not select this card, apart from what blocks the seat as a whole
 * (`blocked`: locked in, paused, not planning): not in its hand, already chosen, taken by a
 * teammate, frozen by a twist, or more than the energy left. What a seat's view shows on each card.
 */
export function cardProblem(choices: SeatChoices, cardId: string): GameError | null {
  const { seat, index } = choices;
  const card = index.cards.get(cardId);
  if (!card || !choices.hand.includes(cardId))
    return gameError("action/card_not_in_hand", "That card is not in your hand this round.");
  if (seat.selected.includes(cardId))
    return gameError("action/already_selected", `"${card.title}" is already chosen.`);
  const taker = choices.takenBy.get(cardId);
  if (taker !== undefined)
    return gameError("action/card_taken", `${taker} has already chosen "${card.title}".`);
  if (choices.frozen.has(card.role))
    return gameError("action/role_frozen", `"${card.title}" belongs to a role that is frozen this round.`);
  const cost = cardCost(index, seat, card, choices.reportsTo, choices.effects);
  const { left } = choices.energy;
  if (cost > left)
    return gameError(
      "action/not_enough_energy",
      `"${card.title}" costs ${cost} energy and you have ${left} left.`,
    );
  return null;
}

/** Why this seat may not select this card now, or null if it may. */
export function selectProblem(state: GameState, seatId: string, cardId: string): GameError | null {
  const seat = state.seats[seatId];
  if (!seat) return gameError("seat/not_found", "That seat is not in this game.");
  return choiceProblem(choicesOf(state, seat), cardId);
}
