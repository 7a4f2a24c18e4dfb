/**
 * What each viewer may see. Secret state (hands and choices) is removed here, per viewer, before
 * anything leaves the server: a seat sees its own hand and choices; of its teammates, before the
 * reveal, only whether they have locked in, the cards they chose to show, and a bot teammate's
 * planned cards. Seats that share a role share its hand, so they see which of its cards are taken.
 */
import { indexDeck } from "./deck-index";
import { cardCost, type Energy, energyOf, handOf, poolKey, selectProblem, twistEffects } from "./energy";
import { midGameRound } from "./engine";
import type { GameState, Meters, RoundScore, Seat } from "./state";
import type { ActionCard, Investment, ReportingSide, Role, ScenarioCard } from "./vocabulary";

export type Viewer = { kind: "seat"; seatId: string } | { kind: "host" } | { kind: "facilitator" };

export interface CardView {
  id: string;
  role: Role;
  title: string;
  text: string;
  points: ActionCard["points"];
  investment: Investment | null;
  /** What the card costs the viewing seat now (another role's card +1, twists, reporting discount). */
  cost: number;
  /** Another role's card: allowed, for +1 energy. */
  offRole: boolean;
  /** Why the viewer cannot choose it now, or null; uses the same rule the engine enforces. */
  problem: { code: string; message: string } | null;
  /** A teammate sharing this role has chosen it. */
  takenBy: string | null;
  /** Hand-offs this card is half of, with a hint of the other half. */
  handoffs: { id: string; title: string; partner: string }[];
}

export interface SeatSummary {
  id: string;
  name: string;
  roles: Role[];
  bot: boolean;
  locked: boolean;
  /** Joined after the start; gets a role at the next round. */
  waiting: boolean;
}

export interface TeamView {
  id: string;
  name: string;
  reportsTo: ReportingSide | null;
  reportingDecided: boolean;
  meters: Meters;
  total: number;
  seats: SeatSummary[];
  roundScores: RoundScore[];
}

export interface TeammateView extends SeatSummary {
  shown: CardView[];
  /** A bot teammate's planned cards (people's choices stay hidden until the reveal). */
  planned: CardView[];
}

export interface SeatOwnView {
  seatId: string;
  name: string;
  teamId: string | null;
  roles: Role[];
  locked: boolean;
  hand: CardView[];
  selected: string[];
  shown: string[];
  energy: Energy;
  teammates: TeammateView[];
}

export interface GameView {
  version: number;
  viewer: Viewer["kind"];
  phase: GameState["phase"];
  paused: boolean;
  round: number;
  rounds: number;
  midGameRound: number;
  scenario: ScenarioCard | null;
  teams: TeamView[];
  leaderboard: { teamId: string; name: string; total: number; final: number | null }[];
  me: SeatOwnView | null;
}

function summary(seat: Seat): SeatSummary {
  return {
    id: seat.id,
    name: seat.name,
    roles: seat.roles,
    bot: seat.bot !== null,
    locked: seat.locked,
    waiting: seat.teamId !== null && seat.roles.length === 0,
  };
}

function cardView(state: GameState, viewer: Seat, card: ActionCard, takenBy: string | null): CardView {
  const index = indexDeck(state.deck);
  const team = viewer.teamId ? state.teams[viewer.teamId] : undefined;
  const selected = viewer.selected.includes(card.id);
  const handoffs = index.deck.handoffs.flatMap((h) => {
    const halves = [h.first, h.second];
    const mine = halves.findIndex((half) => "card" in half && half.card === card.id);
    if (mine < 0) return [];
    const other = halves[1 - mine];
    const partner =
      other && "card" in other
        ? (index.cards.get(other.card)?.title ?? other.card)
        : `any ${other?.anyCardWithDuty} card`;
    return [{ id: h.id, title: h.title, partner }];
  });
  return {
    id: card.id,
    role: card.role,
    title: card.title,
    text: card.text,
    points: card.points,
    investment: card.investment ?? null,
    cost: cardCost(index, viewer, card, team?.reportsTo ?? null, twistEffects(state)),
    offRole: !viewer.roles.includes(card.role),
    problem: selected || takenBy ? null : selectProblem(state, viewer.id, card.id),
    takenBy,
    handoffs,
  };
}

function cardsFor(state: GameState, viewer: Seat, ids: readonly string[]): CardView[] {
  const index = indexDeck(state.deck);
  const out: CardView[] = [];
  for (const id of ids) {
    const card = index.cards.get(id);
    if (card) out.push(cardView(state, viewer, card, null));
  }
  return out;
}

/** Only the seat's own part of its view (its hand, choices, energy and teammates), or null for no such seat. */
export function seatPartOf(state: GameState, seatId: string): SeatOwnView | null {
  const seat = state.seats[seatId];
  return seat ? ownView(state, seat) : null;
}

function ownView(state: GameState, seat: Seat): SeatOwnView {
  const index = indexDeck(state.deck);
  const mates = seat.teamId
    ? state.seatOrder
        .map((id) => state.seats[id])
        .filter((s): s is Seat => !!s && s.id !== seat.id && s.teamId === seat.teamId)
    : [];
  const poolMates = mates.filter((m) => poolKey(m) === poolKey(seat) && m.roles.length > 0);
  const active = state.phase === "planning" || state.phase === "revealed";
  const hand = active
    ? handOf(state, seat).flatMap((id) => {
        const card = index.cards.get(id);
        if (!card) return [];
        const taker = poolMates.find((m) => m.selected.includes(id));
        return [cardView(state, seat, card, taker ? taker.name : null)];
      })
    : [];
  return {
    seatId: seat.id,
    name: seat.name,
    teamId: seat.teamId,
    roles: seat.roles,
    locked: seat.locked,
    hand,
    selected: seat.selected,
    shown: seat.shown,
    energy: energyOf(state, seat.id),
    teammates: mates.map((mate) => ({
      ...summary(mate),
      shown: active ? cardsFor(state, seat, mate.shown) : [],
      planned: active && mate.bot ? cardsFor(state, seat, mate.selected) : [],
    })),
  };
}

export function viewFor(state: GameState, viewer: Viewer): GameView {
  const index = indexDeck(state.deck);
  const deal = state.round >= 1 ? state.deals[state.round - 1] : undefined;
  const scenario = deal && state.phase !== "lobby" ? (index.scenarios.get(deal.scenarioId) ?? null) : null;
  const teams: TeamView[] = state.teamOrder.flatMap((id) => {
    const team = state.teams[id];
    if (!team) return [];
    const seats = state.seatOrder
      .map((sid) => state.seats[sid])
      .filter((s): s is Seat => !!s && s.teamId === id);
    return [
      {
        id: team.id,
        name: team.name,
        reportsTo: team.reportsTo,
        reportingDecided: state.round > 0 && team.reportingDecidedFor === state.round,
        meters: team.meters,
        total: team.total,
        seats: seats.map(summary),
        roundScores: team.roundScores,
      },
    ];
  });
  const leaderboard = teams
    .map((t) => ({ teamId: t.id, name: t.name, total: t.total, final: state.finalScores?.[t.id] ?? null }))
    .sort((a, b) => (b.final ?? b.total) - (a.final ?? a.total) || a.name.localeCompare(b.name));
  const seat = viewer.kind === "seat" ? state.seats[viewer.seatId] : undefined;
  return {
    version: state.version,
    viewer: viewer.kind,
    phase: state.phase,
    paused: state.paused,
    round: state.round,
    rounds: state.settings.rounds,
    midGameRound: midGameRound(state.settings.rounds),
    scenario,
    teams,
    leaderboard,
    me: seat ? ownView(state, seat) : null,
  };
}
