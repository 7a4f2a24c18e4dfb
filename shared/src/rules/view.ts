/**
 * What each viewer may see. Secret state (hands and choices) is removed here, per viewer, before
 * anything leaves the server: a seat sees its own hand and choices; of its teammates, before the
 * reveal, only whether they have locked in, the cards they chose to show, and a bot teammate's
 * planned cards. Seats that share a role share its hand, so they see which of its cards are taken.
 */
import { indexDeck } from "./deck-index";
import { cardCost, cardProblem, choicesOf, type Energy, handOf, type SeatChoices, sameRoles } from "./energy";
import { midGameRound } from "./engine";
import type { GameError } from "./errors";
import type { GameState, Meters, RoundScore, Seat, Team } from "./state";
import type { ActionCard, Deck, Investment, ReportingSide, Role, ScenarioCard } from "./vocabulary";

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
  /**
   * Why the viewer cannot choose this card, or null, apart from what stops its seat choosing any
   * card now, which the view shows already: not planning (`phase`), paused, locked in (`me.locked`)
   * or no role yet (`me.roles` empty), which `seatBlocked` judges from the view. Left out so that
   * locking in, a pause or the reveal does not change every card of a hand; the engine refuses a
   * choice for either.
   */
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

/**
 * What a seat sees of a teammate beyond the board (where the name, roles and locked-in state are):
 * the cards the teammate showed the team, and a bot teammate's plan, priced for the viewing seat.
 */
export interface TeammateView {
  id: string;
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

/**
 * What views need of one card of a deck, worked out once per deck and card (decks never change):
 * its hand-offs as views show them, and the looks it has had (see `cardView`).
 */
interface CardFacts {
  handoffs: CardView["handoffs"];
  looks: CardView[];
}

const factsByDeck = new WeakMap<Deck, Map<string, CardFacts>>();

let lastDeck: { deck: Deck; byCard: Map<string, CardFacts> } | null = null;

function factsOf(deck: Deck, cardId: string): CardFacts {
  let byCard = lastDeck?.deck === deck ? lastDeck.byCard : undefined;
  if (!byCard) {
    byCard = factsByDeck.get(deck);
    if (!byCard) {
      byCard = new Map();
      factsByDeck.set(deck, byCard);
    }
    lastDeck = { deck, byCard };
  }
  const cached = byCard.get(cardId);
  if (cached) return cached;
  const index = indexDeck(deck);
  const handoffs = deck.handoffs.flatMap((h) => {
    const halves = [h.first, h.second];
    const mine = halves.findIndex((half) => "card" in half && half.card === cardId);
    if (mine < 0) return [];
    const other = halves[1 - mine];
    const partner =
      other && "card" in other
        ? (index.cards.get(other.card)?.title ?? other.card)
        : `any ${other?.anyCardWithDuty} card`;
    return [{ id: h.id, title: h.title, partner }];
  });
  const facts: CardFacts = { handoffs, looks: [] };
  byCard.set(cardId, facts);
  return facts;
}

/** How many looks of one card are kept; past that a new one takes the place of the least used. */
const LOOKS_PER_CARD = 24;

/**
 * One object per distinct problem, shared by every card view that has it. A card's problem is
 * worked out again each time its seat's view is, and most come out as before or as another card's
 * or room's ("costs 3 energy and you have 2 left"): sharing them keeps the views a room holds from
 * one action to the next small. Problems are values and never changed; the table is bounded.
 */
const sharedProblems = new Map<string, Map<string, GameError>>();
let sharedProblemCount = 0;
const SHARED_PROBLEMS_MAX = 20_000;

function shared(problem: GameError | null): GameError | null {
  if (problem === null) return null;
  let byMessage = sharedProblems.get(problem.code);
  if (!byMessage) {
    byMessage = new Map();
    sharedProblems.set(problem.code, byMessage);
  }
  const known = byMessage.get(problem.message);
  if (known) return known;
  if (sharedProblemCount >= SHARED_PROBLEMS_MAX) {
    for (const messages of sharedProblems.values()) messages.clear();
    sharedProblemCount = 0;
  }
  byMessage.set(problem.message, problem);
  sharedProblemCount++;
  return problem;
}

/**
 * A card as the seat of `choices` sees it: what it costs that seat and why it may not choose it.
 * Card views are values, never changed once made, and most seats of most games see a card the
 * same way (its cost, no problem, nobody's name on it): each distinct look is one object, shared by
 * every view that shows the card so. A seat's hand worked out again then allocates no card, keeps
 * the very objects it had where nothing changed, and what it holds costs no memory per seat.
 */
function cardView(choices: SeatChoices, card: ActionCard, takenBy: string | null): CardView {
  const viewer = choices.seat;
  const cost = cardCost(choices.index, viewer, card, choices.reportsTo, choices.effects);
  const offRole = !viewer.roles.includes(card.role);
  const problem = viewer.selected.includes(card.id) ? null : shared(cardProblem(choices, card.id));
  const facts = factsOf(choices.state.deck, card.id);
  const { looks } = facts;
  for (let i = 0; i < looks.length; i++) {
    const look = looks[i] as CardView;
    if (
      look.problem === problem &&
      look.cost === cost &&
      look.offRole === offRole &&
      look.takenBy === takenBy
    ) {
      // A look seen again moves one place forward: the common ones are found first.
      if (i > 0) {
        looks[i] = looks[i - 1] as CardView;
        looks[i - 1] = look;
      }
      return look;
    }
  }
  const fresh: CardView = {
    id: card.id,
    role: card.role,
    title: card.title,
    text: card.text,
    points: card.points,
    investment: card.investment ?? null,
    cost,
    offRole,
    problem,
    takenBy,
    handoffs: facts.handoffs,
  };
  // A new look goes last, in the place of the last one when the list is full.
  if (looks.length >= LOOKS_PER_CARD) looks[looks.length - 1] = fresh;
  else looks.push(fresh);
  return fresh;
}

function cardsFor(choices: SeatChoices, ids: readonly string[]): CardView[] {
  const out: CardView[] = [];
  for (const id of ids) {
    const card = choices.index.cards.get(id);
    if (card) out.push(cardView(choices, card, null));
  }
  return out;
}

/**
 * A seat's hand as it sees it: each card with its cost, its problem, and who of the seats sharing
 * its roles took it. A card that looks as it does in `before` (the hand last time) is that card
 * view, and a hand whose cards all do is `before` itself.
 */
function handView(
  choices: SeatChoices,
  teamSeats: readonly Seat[],
  handIds: readonly string[],
  before?: readonly CardView[],
): CardView[] {
  const { seat, index } = choices;
  const poolMates: Seat[] = [];
  for (const m of teamSeats)
    if (m.id !== seat.id && m.roles.length > 0 && sameRoles(m.roles, seat.roles)) poolMates.push(m);
  // Sized once: a hand that changed is kept until the next change, so it should hold no spare room.
  const hand: CardView[] = new Array(handIds.length);
  let count = 0;
  let same = before !== undefined;
  for (const id of handIds) {
    const card = index.cards.get(id);
    if (!card) continue;
    let taker: string | null = null;
    for (const m of poolMates)
      if (m.selected.includes(id)) {
        taker = m.name;
        break;
      }
    const fresh = cardView(choices, card, taker);
    const old = before?.[count];
    if (old && (old === fresh || sameCard(old, fresh))) hand[count++] = old;
    else {
      hand[count++] = fresh;
      same = false;
    }
  }
  hand.length = count;
  return same && before && before.length === count ? (before as CardView[]) : hand;
}

/** The cards a teammate showed, while a round is in play (null otherwise). */
function shownOf(mate: Seat, active: boolean): readonly string[] | null {
  return active ? mate.shown : null;
}

/** A bot teammate's chosen cards, while a round is in play (null otherwise, and for people). */
function plannedOf(mate: Seat, active: boolean): readonly string[] | null {
  return active && mate.bot ? mate.selected : null;
}

function teammateView(
  choices: SeatChoices,
  id: string,
  shown: readonly string[] | null,
  planned: readonly string[] | null,
): TeammateView {
  return {
    id,
    shown: shown ? cardsFor(choices, shown) : [],
    planned: planned ? cardsFor(choices, planned) : [],
  };
}

/** Only the seat's own part of its view (its hand, choices, energy and teammates), or null for no such seat. */
export function seatPartOf(state: GameState, seatId: string): SeatOwnView | null {
  const seat = state.seats[seatId];
  return seat ? ownView(state, seat) : null;
}

function ownView(state: GameState, seat: Seat): SeatOwnView {
  const mates = seat.teamId
    ? state.seatOrder
        .map((id) => state.seats[id])
        .filter((s): s is Seat => !!s && s.id !== seat.id && s.teamId === seat.teamId)
    : [];
  const active = state.phase === "planning" || state.phase === "revealed";
  const choices = choicesOf(state, seat);
  return {
    seatId: seat.id,
    name: seat.name,
    teamId: seat.teamId,
    roles: seat.roles,
    locked: seat.locked,
    hand: active ? handView(choices, mates, handOf(state, seat)) : [],
    selected: seat.selected,
    shown: seat.shown,
    energy: choices.energy,
    teammates: mates.map((mate) =>
      teammateView(choices, mate.id, shownOf(mate, active), plannedOf(mate, active)),
    ),
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

// ─── views kept from one state to the next (the server) ───────────────────────

/** The part of a view every viewer of a game shares: the board (`viewFor` without version, viewer and me). */
export type BoardView = Omit<GameView, "version" | "viewer" | "me">;

/**
 * The views of one game, kept from one state to the next, for a server that sends each viewer
 * only what changed. `board(state)` and `seatPart(state, seatId)` are deep-equal to what `viewFor`
 * and `seatPartOf` make of the same state, but every part whose inputs are unchanged is the very
 * object returned the time before, so a diff skips it with one `===`. A seat's own part is made
 * again only when something it shows could have changed: the seat itself, where its team reports,
 * the round, the pause, a round coming into or out of play, or, of a teammate, what the seat sees
 * of it (its shown cards, a bot's plan) and, for a teammate sharing a role or holding cards of the
 * seat's hand, its choices. Its hand and energy are priced again only when what they read changed:
 * the seat's team, roles and choices (not its lock-in or shown cards), where its team reports, the
 * deal and round, and those teammates' choices; a round's reveal (planning to revealed) prices
 * nothing again. A teammate locking in changes only the board (its summary is there, not in `me`).
 * Everything is read from the state given; nothing here changes it.
 */
export interface ViewCache {
  board(state: GameState): BoardView;
  seatPart(state: GameState, seatId: string): SeatOwnView | null;
}

export function createViewCache(): ViewCache {
  return new CachedViews();
}

/** The seats of each team, in seat order. */
function seatsByTeam(state: GameState): Map<string, Seat[]> {
  const teams = new Map<string, Seat[]>();
  for (const id of state.seatOrder) {
    const seat = state.seats[id];
    if (!seat?.teamId) continue;
    const list = teams.get(seat.teamId);
    if (list) list.push(seat);
    else teams.set(seat.teamId, [seat]);
  }
  return teams;
}

const NO_SEATS: readonly Seat[] = [];
const NO_CARDS: readonly string[] = [];

function sameItems<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What `summary(seat)` would make is deep-equal to `view`. */
function summaryShows(view: SeatSummary, seat: Seat): boolean {
  if (
    view.id !== seat.id ||
    view.name !== seat.name ||
    view.bot !== (seat.bot !== null) ||
    view.locked !== seat.locked ||
    view.waiting !== (seat.teamId !== null && seat.roles.length === 0)
  )
    return false;
  return view.roles === seat.roles || sameRoles(view.roles, seat.roles);
}

function noCardsIn(view: TeammateView): boolean {
  return view.shown.length === 0 && view.planned.length === 0;
}

function sameCards(a: readonly CardView[], b: readonly CardView[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameCard(a[i] as CardView, b[i] as CardView)) return false;
  return true;
}

function sameCard(a: CardView, b: CardView): boolean {
  return (
    a.id === b.id &&
    a.cost === b.cost &&
    a.offRole === b.offRole &&
    a.takenBy === b.takenBy &&
    (a.problem === b.problem ||
      (a.problem !== null &&
        b.problem !== null &&
        a.problem.code === b.problem.code &&
        a.problem.message === b.problem.message)) &&
    a.role === b.role &&
    a.title === b.title &&
    a.text === b.text &&
    a.points === b.points &&
    a.investment === b.investment &&
    a.handoffs === b.handoffs
  );
}

/** Two seats draw on the same budget or hold the same cards: they share a role (or both have none). */
function shareCards(a: Seat, b: Seat): boolean {
  if (a.roles.length === 0 || b.roles.length === 0) return a.roles.length === b.roles.length;
  for (const role of a.roles) if (b.roles.includes(role)) return true;
  return false;
}

/**
 * A seat's own hand and energy read these of it and nothing else: a new seat object that locked
 * in, showed cards or was renamed prices every card the same.
 */
function sameHandInputs(before: Seat, now: Seat): boolean {
  return (
    before.id === now.id &&
    before.teamId === now.teamId &&
    before.roles === now.roles &&
    before.selected === now.selected
  );
}

function holdsAny(selected: readonly string[], hand: readonly string[]): boolean {
  for (const id of selected) if (hand.includes(id)) return true;
  return false;
}

/** A seat's choices, worked out when first needed (`choicesNow`) and then kept. */
interface LazyChoices {
  state: GameState;
  seat: Seat;
  choices: SeatChoices | null;
}

function choicesNow(lazy: LazyChoices): SeatChoices {
  lazy.choices ??= choicesOf(lazy.state, lazy.seat);
  return lazy.choices;
}

/** `others` becomes the seat's teammates in `teamSeats`, in order (changed in place). */
function rememberTeammates(others: Seat[], seat: Seat, teamSeats: readonly Seat[]): void {
  let j = 0;
  for (const mate of teamSeats) if (mate.id !== seat.id) others[j++] = mate;
  others.length = j;
}

function mateIn(mates: readonly MateEntry[], id: string): MateEntry | undefined {
  for (const mate of mates) if (mate.id === id) return mate;
  return undefined;
}

function sameViews(mates: readonly MateEntry[], views: readonly TeammateView[]): boolean {
  if (mates.length !== views.length) return false;
  for (let i = 0; i < mates.length; i++) if ((mates[i] as MateEntry).view !== views[i]) return false;
  return true;
}

/** What a seat sees of one teammate, and what it was worked out from. */
interface MateEntry {
  id: string;
  shown: readonly string[] | null;
  planned: readonly string[] | null;
  view: TeammateView;
}

/** A seat's own part and what it was worked out from; changed in place from one state to the next. */
interface SeatEntry {
  seat: Seat;
  reportsTo: ReportingSide | null | undefined;
  /** A round is in play (planning or revealed): hands and teammates' cards are shown. */
  active: boolean;
  paused: boolean;
  round: number;
  deals: GameState["deals"];
  deck: Deck;
  settings: GameState["settings"];
  /** The seat's teammates, in seat order, as they were when this entry was last brought up to date. */
  others: Seat[];
  /** For each of `others`: whether this seat's hand and energy depend on its choices. */
  relevant: boolean[];
  hand: CardView[];
  energy: Energy;
  /** Each teammate, in seat order, with its shown cards and a bot's plan (null when not shown). */
  mates: MateEntry[];
  view: SeatOwnView;
}

interface TeamEntry {
  team: Team;
  decided: boolean;
  view: TeamView;
}

class CachedViews implements ViewCache {
  private readonly summaries = new Map<string, { seat: Seat; view: SeatSummary }>();
  private readonly seats = new Map<string, SeatEntry>();
  private readonly teams = new Map<string, TeamEntry>();
  private lastBoard: BoardView | null = null;
  /** The seats of each team, for the state whose seats and seat order these are. */
  private grouped: {
    seats: GameState["seats"];
    order: readonly string[];
    teams: Map<string, Seat[]>;
  } | null = null;
  private lastFinalScores: GameState["finalScores"] | undefined;
  private lastSeatOrder: readonly string[] | null = null;

  /** A seat's summary: the same object as long as what it shows is the same (made only when it is not). */
  private summaryOf(seat: Seat): SeatSummary {
    const prev = this.summaries.get(seat.id);
    if (prev && prev.seat === seat) return prev.view;
    if (!prev) {
      const fresh = summary(seat);
      this.summaries.set(seat.id, { seat, view: fresh });
      return fresh;
    }
    prev.seat = seat;
    if (!summaryShows(prev.view, seat)) prev.view = summary(seat);
    return prev.view;
  }

  private teamSeats(state: GameState): Map<string, Seat[]> {
    const grouped = this.grouped;
    if (grouped && grouped.seats === state.seats && grouped.order === state.seatOrder) return grouped.teams;
    const teams = seatsByTeam(state);
    this.grouped = { seats: state.seats, order: state.seatOrder, teams };
    return teams;
  }

  /** Forget seats that left the game (checked when the seat order changes). */
  private prune(state: GameState): void {
    if (this.lastSeatOrder === state.seatOrder) return;
    this.lastSeatOrder = state.seatOrder;
    for (const id of this.summaries.keys()) if (!state.seats[id]) this.summaries.delete(id);
    for (const id of this.seats.keys()) if (!state.seats[id]) this.seats.delete(id);
  }

  board(state: GameState): BoardView {
    this.prune(state);
    const byTeam = this.teamSeats(state);
    const prev = this.lastBoard;
    // Nothing is made for a team whose view is as before: its seats' summaries are compared with
    // the ones it shows, and the list of teams is copied only from the first one that changed.
    let teams: TeamView[] | null = null;
    let count = 0;
    for (const id of state.teamOrder) {
      const team = state.teams[id];
      if (!team) continue;
      const teamSeats = byTeam.get(id) ?? NO_SEATS;
      const decided = state.round > 0 && team.reportingDecidedFor === state.round;
      const cached = this.teams.get(id);
      let seats = cached?.view.seats;
      let sameSeats = seats !== undefined && seats.length === teamSeats.length;
      if (sameSeats)
        for (let i = 0; i < teamSeats.length; i++)
          if (this.summaryOf(teamSeats[i] as Seat) !== (seats as SeatSummary[])[i]) {
            sameSeats = false;
            break;
          }
      let view: TeamView;
      if (cached && cached.team === team && cached.decided === decided && sameSeats) view = cached.view;
      else {
        if (!sameSeats) {
          seats = new Array(teamSeats.length);
          for (let i = 0; i < teamSeats.length; i++) seats[i] = this.summaryOf(teamSeats[i] as Seat);
        }
        view = {
          id: team.id,
          name: team.name,
          reportsTo: team.reportsTo,
          reportingDecided: decided,
          meters: team.meters,
          total: team.total,
          seats: seats as SeatSummary[],
          roundScores: team.roundScores,
        };
        if (cached) {
          cached.team = team;
          cached.decided = decided;
          cached.view = view;
        } else this.teams.set(id, { team, decided, view });
      }
      if (!teams && (!prev || prev.teams[count] !== view)) teams = prev ? prev.teams.slice(0, count) : [];
      teams?.push(view);
      count++;
    }
    if (this.teams.size > count)
      for (const id of this.teams.keys()) if (!state.teams[id]) this.teams.delete(id);
    // Every team as before: the last list, unless teams went from its end.
    if (!teams && (!prev || prev.teams.length !== count)) teams = prev ? prev.teams.slice(0, count) : [];
    const teamViews = teams ?? (prev as BoardView).teams;

    // The leaderboard follows the teams and the final scores: unchanged when they are.
    let leaderboard: BoardView["leaderboard"];
    if (prev && prev.teams === teamViews && this.lastFinalScores === state.finalScores)
      leaderboard = prev.leaderboard;
    else {
      const entries = teamViews
        .map((t) => ({
          teamId: t.id,
          name: t.name,
          total: t.total,
          final: state.finalScores?.[t.id] ?? null,
        }))
        .sort((a, b) => (b.final ?? b.total) - (a.final ?? a.total) || a.name.localeCompare(b.name));
      const before = new Map(prev?.leaderboard.map((entry) => [entry.teamId, entry]));
      const fresh = entries.map((entry) => {
        const old = before.get(entry.teamId);
        return old && old.name === entry.name && old.total === entry.total && old.final === entry.final
          ? old
          : entry;
      });
      leaderboard = prev && sameItems(prev.leaderboard, fresh) ? prev.leaderboard : fresh;
    }
    this.lastFinalScores = state.finalScores;

    const index = indexDeck(state.deck);
    const deal = state.round >= 1 ? state.deals[state.round - 1] : undefined;
    const scenario = deal && state.phase !== "lobby" ? (index.scenarios.get(deal.scenarioId) ?? null) : null;
    const rounds = state.settings.rounds;
    if (
      prev &&
      prev.phase === state.phase &&
      prev.paused === state.paused &&
      prev.round === state.round &&
      prev.rounds === rounds &&
      prev.scenario === scenario &&
      prev.teams === teamViews &&
      prev.leaderboard === leaderboard
    )
      return prev;
    const board: BoardView = {
      phase: state.phase,
      paused: state.paused,
      round: state.round,
      rounds,
      midGameRound: midGameRound(rounds),
      scenario,
      teams: teamViews,
      leaderboard,
    };
    this.lastBoard = board;
    return board;
  }

  seatPart(state: GameState, seatId: string): SeatOwnView | null {
    const seat = state.seats[seatId];
    if (!seat) {
      this.seats.delete(seatId);
      return null;
    }
    const team = seat.teamId ? state.teams[seat.teamId] : undefined;
    const teamSeats = seat.teamId ? (this.teamSeats(state).get(seat.teamId) ?? NO_SEATS) : NO_SEATS;
    const active = state.phase === "planning" || state.phase === "revealed";
    const handIds = active ? handOf(state, seat) : NO_CARDS;
    const entry = this.seats.get(seatId);

    // The seat's perspective: what of itself its hand and energy depend on (its team, roles and
    // choices; not its lock-in or shown cards), whether a round is in play, the deal, and the
    // teammates its hand depends on (sharing a role, or holding one of its cards): their names,
    // roles and choices.
    let perspectiveSame =
      entry !== undefined &&
      (entry.seat === seat || sameHandInputs(entry.seat, seat)) &&
      entry.reportsTo === team?.reportsTo &&
      entry.active === active &&
      entry.paused === state.paused &&
      entry.round === state.round &&
      entry.deals === state.deals &&
      entry.deck === state.deck &&
      entry.settings === state.settings;
    // And what it sees of each teammate: the same teammates, showing the same cards and plan. A
    // teammate whose seat is the very object it was last time changed nothing of either (while a
    // round is as much in play as it was); only the others are looked at.
    let matesSame = entry !== undefined;
    if (entry) {
      const sameActive = entry.active === active;
      const { others, relevant, mates } = entry;
      let j = 0;
      for (const mate of teamSeats) {
        if (mate.id === seat.id) continue;
        const old = others[j];
        const known = mates[j];
        const wasRelevant = relevant[j];
        j++;
        if (old === mate && sameActive) continue;
        if (!old || !known || old.id !== mate.id) {
          perspectiveSame = false;
          matesSame = false;
          break;
        }
        // The same teammate, as a new object: kept from now on (the entry is brought up to date
        // either way, and this place is not read again).
        others[j - 1] = mate;
        if (known.shown !== shownOf(mate, active) || known.planned !== plannedOf(mate, active))
          matesSame = false;
        if (perspectiveSame) {
          const isRelevant = shareCards(mate, seat) || holdsAny(mate.selected, handIds);
          if (
            isRelevant !== wasRelevant ||
            (isRelevant &&
              (old.name !== mate.name || old.roles !== mate.roles || old.selected !== mate.selected))
          )
            perspectiveSame = false;
        }
        if (!perspectiveSame && !matesSame) break;
      }
      if (j !== others.length) {
        perspectiveSame = false;
        matesSame = false;
      }
    }
    if (perspectiveSame && matesSame && entry && entry.seat === seat) return entry.view;

    // Worked out once for the seat when a card of its view is, not once per card.
    const lazy: LazyChoices = { state, seat, choices: null };
    let hand: CardView[];
    let energy: Energy;
    const others = entry?.others ?? [];
    const relevant = entry?.relevant ?? [];
    rememberTeammates(others, seat, teamSeats);
    if (perspectiveSame && entry) {
      ({ hand, energy } = entry);
    } else {
      relevant.length = others.length;
      for (let i = 0; i < others.length; i++) {
        const mate = others[i] as Seat;
        relevant[i] = shareCards(mate, seat) || holdsAny(mate.selected, handIds);
      }
      hand = handView(choicesNow(lazy), teamSeats, handIds, entry?.hand);
      energy = choicesNow(lazy).energy;
      const oldEnergy = entry?.energy;
      if (
        oldEnergy &&
        oldEnergy.budget === energy.budget &&
        oldEnergy.spent === energy.spent &&
        oldEnergy.left === energy.left
      )
        energy = oldEnergy;
    }

    // Each teammate's view: kept while its shown cards and plan are, and (for one showing cards,
    // which are priced for this seat) while the seat's perspective is, or while it looks the same.
    const mates = matesSame && entry ? entry.mates : [];
    if (!matesSame) {
      for (const mate of teamSeats) {
        if (mate.id === seat.id) continue;
        const shown = shownOf(mate, active);
        const planned = plannedOf(mate, active);
        const known = entry ? mateIn(entry.mates, mate.id) : undefined;
        if (known && known.shown === shown && known.planned === planned) {
          if (!perspectiveSame) known.view = this.repriced(known, lazy);
          mates.push(known);
        } else if (known && noCardsIn(known.view) && !shown?.length && !planned?.length) {
          // Nothing shown before or now (a new round's empty lists): the same view.
          known.shown = shown;
          known.planned = planned;
          mates.push(known);
        } else
          mates.push({
            id: mate.id,
            shown,
            planned,
            view: teammateView(choicesNow(lazy), mate.id, shown, planned),
          });
      }
    } else if (!perspectiveSame) for (const known of mates) known.view = this.repriced(known, lazy);

    const prev = entry?.view;
    let teammates: TeammateView[] | undefined = prev?.teammates;
    if (!teammates || !sameViews(mates, teammates)) {
      teammates = new Array(mates.length);
      for (let i = 0; i < mates.length; i++) teammates[i] = (mates[i] as MateEntry).view;
    }
    const view: SeatOwnView =
      prev &&
      prev.teammates === teammates &&
      prev.seatId === seat.id &&
      prev.name === seat.name &&
      prev.teamId === seat.teamId &&
      prev.roles === seat.roles &&
      prev.locked === seat.locked &&
      prev.hand === hand &&
      prev.selected === seat.selected &&
      prev.shown === seat.shown &&
      prev.energy === energy
        ? prev
        : {
            seatId: seat.id,
            name: seat.name,
            teamId: seat.teamId,
            roles: seat.roles,
            locked: seat.locked,
            hand,
            selected: seat.selected,
            shown: seat.shown,
            energy,
            teammates,
          };
    const next: SeatEntry = {
      seat,
      reportsTo: team?.reportsTo,
      active,
      paused: state.paused,
      round: state.round,
      deals: state.deals,
      deck: state.deck,
      settings: state.settings,
      others,
      relevant,
      hand,
      energy,
      mates,
      view,
    };
    // The entry itself is kept (and changed) rather than replaced: it lives as long as the seat.
    if (entry) Object.assign(entry, next);
    else this.seats.set(seatId, next);
    return view;
  }

  /**
   * A teammate's view priced again for a seat whose perspective changed: the very same view while
   * it shows no cards or its cards still look the same.
   */
  private repriced(known: MateEntry, lazy: LazyChoices): TeammateView {
    const old = known.view;
    if (noCardsIn(old)) return old;
    const fresh = teammateView(choicesNow(lazy), known.id, known.shown, known.planned);
    return sameCards(old.shown, fresh.shown) && sameCards(old.planned, fresh.planned) ? old : fresh;
  }
}
