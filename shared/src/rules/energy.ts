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

export function twistEffects(state: GameState): readonly TwistEffect[] {
  return currentScenario(state)?.twist?.effects ?? [];
}

export function frozenRoles(effects: readonly TwistEffect[]): Set<Role> {
  const out = new Set<Role>();
  for (const e of effects) if (e.kind === "roleFrozen") out.add(e.role);
  return out;
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
  const active = roles.filter((r) => !frozen.has(r)).length;
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

/** The given cards of a seat (its chosen ones by default) as plays, each with what it costs that seat now. */
export function playsOf(state: GameState, seat: Seat, cardIds: readonly string[] = seat.selected): Play[] {
  const index = indexDeck(state.deck);
  const reportsTo = (seat.teamId ? state.teams[seat.teamId]?.reportsTo : null) ?? null;
  const effects = twistEffects(state);
  const out: Play[] = [];
  for (const cardId of cardIds) {
    const card = index.cards.get(cardId);
    if (card) out.push({ seatId: seat.id, cardId, cost: cardCost(index, seat, card, reportsTo, effects) });
  }
  return out;
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
  const budget = budgetFor(seat.roles, state.settings.energyPerRole, twistEffects(state));
  const key = poolKey(seat);
  let spent = 0;
  for (const id of state.seatOrder) {
    const mate = state.seats[id];
    if (!mate || mate.teamId !== seat.teamId || poolKey(mate) !== key) continue;
    for (const play of playsOf(state, mate)) spent += play.cost;
  }
  return { budget, spent, left: budget - spent };
}

/** Why this seat may not select this card now, or null if it may. */
export function selectProblem(state: GameState, seatId: string, cardId: string): GameError | null {
  const seat = state.seats[seatId];
  if (!seat) return gameError("seat/not_found", "That seat is not in this game.");
  if (!seat.teamId || seat.roles.length === 0)
    return gameError("seat/no_team", "This seat has no team or role yet; it joins at the next round.");
  if (state.phase !== "planning")
    return gameError("action/wrong_phase", "Cards can only be chosen while the round is being planned.");
  if (state.paused) return gameError("game/paused", "The facilitator has paused the game.");
  if (seat.locked)
    return gameError("action/locked", "You have locked in; unlock first to change your cards.");
  const index = indexDeck(state.deck);
  const card = index.cards.get(cardId);
  if (!card || !handOf(state, seat).includes(cardId))
    return gameError("action/card_not_in_hand", "That card is not in your hand this round.");
  if (seat.selected.includes(cardId))
    return gameError("action/already_selected", `"${card.title}" is already chosen.`);
  for (const id of state.seatOrder) {
    const mate = state.seats[id];
    if (mate && mate.id !== seat.id && mate.teamId === seat.teamId && mate.selected.includes(cardId))
      return gameError("action/card_taken", `${mate.name} has already chosen "${card.title}".`);
  }
  const effects = twistEffects(state);
  if (frozenRoles(effects).has(card.role))
    return gameError("action/role_frozen", `"${card.title}" belongs to a role that is frozen this round.`);
  const team = seat.teamId ? state.teams[seat.teamId] : undefined;
  const cost = cardCost(index, seat, card, team?.reportsTo ?? null, effects);
  const { left } = energyOf(state, seatId);
  if (cost > left)
    return gameError(
      "action/not_enough_energy",
      `"${card.title}" costs ${cost} energy and you have ${left} left.`,
    );
  return null;
}
