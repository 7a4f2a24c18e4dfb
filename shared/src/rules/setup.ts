/** Placing seats in teams and roles, and dealing the same cards to every team. */
import { indexDeck } from "./deck-index";
import { createRandom, shuffled } from "./random";
import type { GameState, RoundDeal, Seat, Team } from "./state";
import type { Deck, GameSettings, Role } from "./vocabulary";
import { ROLES } from "./vocabulary";

export const TEAM_NAMES = [
  "Otters",
  "Comets",
  "Falcons",
  "Maples",
  "Lynxes",
  "Harbours",
  "Pixels",
  "Tulips",
  "Geckos",
  "Quasars",
  "Walruses",
  "Pretzels",
] as const;

export const STARTING_METERS = { trust: 50, awareness: 50, fit: 50 } as const;

/** With fewer seats than roles, hats are handed out in this order, so two seats get PM+Support and PMM+CM. */
const HAT_ORDER: readonly Role[] = ["pm", "pmm", "support", "cm"];

export function teamName(index: number): string {
  const base = TEAM_NAMES[index % TEAM_NAMES.length] as string;
  const lap = Math.floor(index / TEAM_NAMES.length);
  return lap === 0 ? base : `${base} ${lap + 1}`;
}

export function newTeam(index: number): Team {
  return {
    id: `t${index + 1}`,
    name: teamName(index),
    reportsTo: null,
    reportingDecidedFor: 0,
    meters: { ...STARTING_METERS },
    investments: [],
    roundScores: [],
    total: 0,
  };
}

/**
 * Roles for the seats of one team, in seat order: every role is covered; fewer than four seats
 * wear several hats, more than four share roles. Seats in `pinned` keep the roles they have.
 */
export function balanceRoles(seats: readonly Seat[], pinned: ReadonlySet<string>): Map<string, Role[]> {
  const out = new Map<string, Role[]>();
  const covered = new Set<Role>();
  for (const seat of seats) {
    if (pinned.has(seat.id)) {
      out.set(seat.id, seat.roles);
      for (const role of seat.roles) covered.add(role);
    }
  }
  const free = seats.filter((s) => !pinned.has(s.id));
  const open = HAT_ORDER.filter((r) => !covered.has(r));
  if (free.length === 0) return out;
  if (free.length >= open.length) {
    const pool = open.length > 0 ? open : ROLES;
    const sharedOrder = ROLES.filter((r) => pool.includes(r));
    free.forEach((seat, i) => {
      out.set(seat.id, [i < open.length ? (open[i] as Role) : (sharedOrder[i % sharedOrder.length] as Role)]);
    });
  } else {
    free.forEach((seat) => {
      out.set(seat.id, []);
    });
    open.forEach((role, i) => {
      out.get((free[i % free.length] as Seat).id)?.push(role);
    });
    for (const [id, roles] of out) {
      if (!pinned.has(id)) roles.sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
    }
  }
  return out;
}

export function seatsOfTeam(state: GameState, teamId: string): Seat[] {
  const seats: Seat[] = [];
  for (const id of state.seatOrder) {
    const seat = state.seats[id];
    if (seat && seat.teamId === teamId) seats.push(seat);
  }
  return seats;
}

/** Deal every round at once from the seed: one scenario per round and one hand per role. */
export function dealRounds(deck: Deck, settings: GameSettings, seed: number): RoundDeal[] {
  const index = indexDeck(deck);
  const deals: RoundDeal[] = [];
  let order: string[] = [];
  const scenarioRandom = createRandom(seed, 1);
  for (let round = 1; round <= settings.rounds; round++) {
    if (order.length === 0)
      order = shuffled(
        deck.scenarios.map((s) => s.id),
        scenarioRandom,
      );
    const scenarioId = order.shift() as string;
    const random = createRandom(seed, 100 + round);
    const own = {} as Record<Role, string[]>;
    for (const role of ROLES) {
      own[role] = shuffled(index.cardsByRole[role], random)
        .slice(0, settings.handSize - 1)
        .map((c) => c.id);
    }
    const dealt = new Set(ROLES.flatMap((r) => own[r]));
    const hands = {} as Record<Role, string[]>;
    for (const role of ROLES) {
      const offRole = deck.actions.filter((c) => c.role !== role && !dealt.has(c.id));
      const extra = offRole.length > 0 ? offRole[random.int(offRole.length)] : undefined;
      if (extra) dealt.add(extra.id);
      hands[role] = extra ? [...own[role], extra.id] : own[role];
    }
    deals.push({ scenarioId, hands });
  }
  return deals;
}

/** Where a person who joins sits: a new seat, their own seat back, or a seat they take over. */
export type NewcomerSeat =
  | { kind: "new" }
  | { kind: "reclaim"; seatId: string }
  | { kind: "takeOver"; seatId: string };

/**
 * A person joining under `name`, where `away` are the seats whose people are gone (the server knows
 * who is connected; the rules do not). Their own away seat (same name, a new device) comes back to
 * them. After the start a newcomer takes a bot's seat on the team with the fewest people, else an
 * away seat; otherwise they get a new seat (which waits for the next round once the game is on).
 */
export function seatForNewcomer(state: GameState, name: string, away: ReadonlySet<string>): NewcomerSeat {
  const lower = name.toLocaleLowerCase();
  const seats = state.seatOrder.flatMap((id) => (state.seats[id] ? [state.seats[id]] : []));
  const own = seats.find((s) => !s.bot && s.name.toLocaleLowerCase() === lower);
  if (own) return away.has(own.id) ? { kind: "reclaim", seatId: own.id } : { kind: "new" };
  if (state.phase === "lobby") return { kind: "new" };
  const people = (teamId: string | null) => seats.filter((s) => s.teamId === teamId && !s.bot).length;
  const bot = seats
    .filter((s) => s.bot && s.roles.length > 0)
    .sort((a, b) => people(a.teamId) - people(b.teamId))[0];
  const taken = bot ?? seats.find((s) => !s.bot && away.has(s.id));
  return taken ? { kind: "takeOver", seatId: taken.id } : { kind: "new" };
}
