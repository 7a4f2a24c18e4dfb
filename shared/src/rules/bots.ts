/**
 * Bot strategies. A bot never changes the state itself: it returns the ordinary commands a person
 * would send (select, unselect, lock in, choose where Community reports), which the caller applies
 * and logs like any other command.
 *
 * - random: affordable cards picked at random.
 * - role-only: each seat plays its own role's best cards for the scenario, ignoring teammates.
 * - coordinated: the team's cards are planned together against the scenario's demands, hand-offs
 *   included. On a team with people, a bot plans around what they have locked in or shown, and
 *   replans when that changes; it locks in once every person on its team has.
 */
import type { GameCommand } from "./commands";
import { indexDeck } from "./deck-index";
import { budgetFor, cardCost, frozenRoles, handOf, playsOf, poolKey, twistEffects } from "./energy";
import type { Random } from "./random";
import { evaluatePlays, matchesHalf, metersAfter, type RoundContext, roundContext } from "./scoring";
import { seatsOfTeam } from "./setup";
import type { GameState, Play, Seat } from "./state";
import type { HandoffHalf, ReportingSide } from "./vocabulary";
import { DUTIES } from "./vocabulary";

/** Future worth of one investment point still to come, in this round's score points (a heuristic for planning). */
const INVESTMENT_POINT_WORTH = 1.5;
/** How much a coordinated bot weighs a meter point for each round still to come. */
const METER_LOOKAHEAD = 0.5;

/** The commands this bot seat should send now to move towards its plan; empty when it has nothing to do. */
export function planBotCommands(state: GameState, seatId: string, random: Random): GameCommand[] {
  const seat = state.seats[seatId];
  if (!seat?.bot || !seat.teamId || seat.roles.length === 0 || state.paused) return [];
  if (state.phase === "reporting") return reportingCommands(state, seat, random);
  if (state.phase !== "planning") return [];
  const mates = seatsOfTeam(state, seat.teamId).filter((s) => s.id !== seat.id);
  const people = mates.filter((m) => !m.bot);
  const peopleLocked = people.every((p) => p.locked);
  if (seat.locked) {
    // A person unlocked to change their mind: unlock and plan again around it.
    return peopleLocked ? [] : [{ type: "seat:unlock", seatId }];
  }
  let target: string[];
  if (seat.bot === "random")
    target = seat.selected.length > 0 ? seat.selected : randomPlan(state, seat, random);
  else if (seat.bot === "role-only") target = roleOnlyPlan(state, seat);
  else target = coordinatedPlan(state, seat);
  const commands: GameCommand[] = [];
  for (const cardId of seat.selected)
    if (!target.includes(cardId)) commands.push({ type: "card:unselect", seatId, cardId });
  for (const cardId of target)
    if (!seat.selected.includes(cardId)) commands.push({ type: "card:select", seatId, cardId });
  if (peopleLocked) commands.push({ type: "seat:lockIn", seatId });
  return commands;
}

function reportingCommands(state: GameState, seat: Seat, random: Random): GameCommand[] {
  const team = seat.teamId ? state.teams[seat.teamId] : undefined;
  if (!team || team.reportingDecidedFor === state.round) return [];
  const seats = seatsOfTeam(state, team.id);
  // People decide for their team; a team of bots decides through its first bot.
  if (seats.some((s) => !s.bot) || seats[0]?.id !== seat.id) return [];
  let side: ReportingSide;
  if (seat.bot === "random") side = random.next() < 0.5 ? "product" : "marketing";
  else if (seat.bot === "role-only") side = "marketing";
  else {
    const worth = (s: ReportingSide) => {
      const trial = {
        ...state,
        phase: "planning" as const,
        teams: { ...state.teams, [team.id]: { ...team, reportsTo: s } },
      };
      const ctx = roundContext(trial, team.id);
      return ctx ? teamSearch(trial, ctx, seats, []).value : 0;
    };
    side = worth("marketing") > worth("product") ? "marketing" : "product";
  }
  return [{ type: "team:chooseReporting", seatId: seat.id, side }];
}

interface Option {
  seat: Seat;
  cardId: string;
  cost: number;
  pool: string;
}

function optionsFor(state: GameState, seat: Seat, taken: ReadonlySet<string>): Option[] {
  const index = indexDeck(state.deck);
  const effects = twistEffects(state);
  const frozen = frozenRoles(effects);
  const team = seat.teamId ? state.teams[seat.teamId] : undefined;
  const out: Option[] = [];
  for (const cardId of handOf(state, seat)) {
    const card = index.cards.get(cardId);
    if (!card || taken.has(cardId) || frozen.has(card.role)) continue;
    out.push({
      seat,
      cardId,
      cost: cardCost(index, seat, card, team?.reportsTo ?? null, effects),
      pool: poolKey(seat),
    });
  }
  return out;
}

/** Energy left per pool for the given seats, after what fixed seats of the same pool already spent. */
function poolBudgets(state: GameState, free: readonly Seat[], fixed: readonly Play[]): Map<string, number> {
  const effects = twistEffects(state);
  const budgets = new Map<string, number>();
  for (const seat of free)
    budgets.set(poolKey(seat), budgetFor(seat.roles, state.settings.energyPerRole, effects));
  for (const play of fixed) {
    const seat = state.seats[play.seatId];
    if (!seat) continue;
    const key = poolKey(seat);
    const left = budgets.get(key);
    if (left !== undefined) budgets.set(key, left - play.cost);
  }
  return budgets;
}

function randomPlan(state: GameState, seat: Seat, random: Random): string[] {
  const taken = takenByOthers(state, seat);
  const options = optionsFor(state, seat, taken);
  let left = poolBudgets(state, [seat], othersInPool(state, seat)).get(poolKey(seat)) ?? 0;
  const chosen: string[] = [];
  for (let i = options.length; i > 0; i--) {
    const pick = options.splice(random.int(i), 1)[0] as Option;
    if (pick.cost <= left && random.next() < 0.75) {
      chosen.push(pick.cardId);
      left -= pick.cost;
    }
  }
  return chosen;
}

function roleOnlyPlan(state: GameState, seat: Seat): string[] {
  const index = indexDeck(state.deck);
  const ctx = seat.teamId ? roundContext(state, seat.teamId) : undefined;
  const taken = takenByOthers(state, seat);
  const worth = (cardId: string) => {
    const card = index.cards.get(cardId);
    if (!card) return 0;
    let points = 0;
    for (const duty of DUTIES) if (!ctx || ctx.demand[duty] > 0) points += card.points[duty] ?? 0;
    return points;
  };
  const options = optionsFor(state, seat, taken)
    .filter((o) => seat.roles.includes(index.cards.get(o.cardId)?.role ?? "pm"))
    .sort(
      (a, b) =>
        worth(b.cardId) / Math.max(0.5, b.cost) - worth(a.cardId) / Math.max(0.5, a.cost) ||
        (a.cardId < b.cardId ? -1 : 1),
    );
  let left = poolBudgets(state, [seat], othersInPool(state, seat)).get(poolKey(seat)) ?? 0;
  const chosen: string[] = [];
  for (const option of options) {
    if (option.cost <= left && worth(option.cardId) > 0) {
      chosen.push(option.cardId);
      left -= option.cost;
    }
  }
  return chosen;
}

function takenByOthers(state: GameState, seat: Seat): Set<string> {
  const taken = new Set<string>();
  if (!seat.teamId) return taken;
  for (const mate of seatsOfTeam(state, seat.teamId))
    if (mate.id !== seat.id) for (const id of mate.selected) taken.add(id);
  return taken;
}

function othersInPool(state: GameState, seat: Seat): Play[] {
  if (!seat.teamId) return [];
  return seatsOfTeam(state, seat.teamId)
    .filter((mate) => mate.id !== seat.id && poolKey(mate) === poolKey(seat))
    .flatMap((mate) => playsOf(state, mate));
}

/**
 * What a coordinated bot counts on from each teammate: a person's locked-in cards, or the cards
 * they showed while still deciding; another coordinated bot that is still planning is planned
 * together with this one; any other bot's current choice is taken as it is.
 */
function coordinatedPlan(state: GameState, seat: Seat): string[] {
  if (!seat.teamId) return [];
  const ctx = roundContext(state, seat.teamId);
  if (!ctx) return [];
  const free: Seat[] = [];
  const fixed: Play[] = [];
  // A person's choices the bot does not count on (not shown yet) still take their cards: the
  // engine refuses a card a teammate has chosen, and the seat's own hand says so. They also spend
  // the energy of a budget the bot shares (same role), which the seat's own view shows as spent.
  const taken: string[] = [];
  const unseen: Play[] = [];
  for (const mate of seatsOfTeam(state, seat.teamId)) {
    if (mate.roles.length === 0) continue;
    const plan = mate.id === seat.id || (mate.bot === "coordinated" && !mate.locked);
    if (plan) {
      free.push(mate);
      continue;
    }
    const counted = mate.bot || mate.locked ? mate.selected : mate.shown;
    fixed.push(...playsOf(state, mate, counted));
    taken.push(...mate.selected);
    if (counted !== mate.selected)
      unseen.push(
        ...playsOf(
          state,
          mate,
          mate.selected.filter((id) => !counted.includes(id)),
        ),
      );
  }
  const { plays } = teamSearch(state, ctx, free, fixed, taken, unseen);
  return plays.filter((p) => p.seatId === seat.id).map((p) => p.cardId);
}

/**
 * Local search over the free seats' cards: greedy additions (single cards and hand-off pairs), then
 * swaps. `fixed` plays count for the score and their budgets; `alsoTaken` cards cannot be chosen,
 * and `alsoSpent` plays (chosen, not shown) spend their budgets without counting for the score.
 */
export function teamSearch(
  state: GameState,
  ctx: RoundContext,
  free: readonly Seat[],
  fixed: readonly Play[],
  alsoTaken: readonly string[] = [],
  alsoSpent: readonly Play[] = [],
): { plays: Play[]; value: number } {
  const index = indexDeck(state.deck);
  const taken = new Set([...fixed.map((p) => p.cardId), ...alsoTaken]);
  const options = free.flatMap((seat) => optionsFor(state, seat, taken));
  const budgets = poolBudgets(state, free, alsoSpent.length > 0 ? [...fixed, ...alsoSpent] : fixed);
  const roundsAfter = state.settings.rounds - state.round;
  const worth = (chosen: readonly Option[]): number => {
    const plays = [...fixed, ...chosen.map((o) => ({ seatId: o.seat.id, cardId: o.cardId, cost: o.cost }))];
    const evaluation = evaluatePlays(ctx, plays, false);
    let value = evaluation.score;
    // Meters carry over: a meter point counts in the final score and eases later demands.
    const after = metersAfter(ctx.team.meters, evaluation.coverage);
    const meterGain =
      after.trust +
      after.awareness +
      after.fit -
      ctx.team.meters.trust -
      ctx.team.meters.awareness -
      ctx.team.meters.fit;
    value += (meterGain / 3) * (1 + METER_LOOKAHEAD * roundsAfter);
    for (const o of chosen) {
      const inv = index.cards.get(o.cardId)?.investment;
      if (inv) value += inv.points * Math.min(inv.rounds, roundsAfter) * INVESTMENT_POINT_WORTH;
    }
    // Among equal plays prefer the one that spends less energy.
    for (const o of chosen) value -= o.cost * 0.001;
    return value;
  };
  const fits = (chosen: readonly Option[]): boolean => {
    const spent = new Map<string, number>();
    for (const o of chosen) spent.set(o.pool, (spent.get(o.pool) ?? 0) + o.cost);
    for (const [pool, used] of spent) if (used > (budgets.get(pool) ?? 0)) return false;
    return true;
  };
  const usable = (chosen: readonly Option[], o: Option) => !chosen.some((c) => c.cardId === o.cardId);
  let chosen: Option[] = [];
  // Start from what the free seats have chosen already, so a replan without news changes nothing.
  for (const seat of free) {
    for (const cardId of seat.selected) {
      const option = options.find((o) => o.seat.id === seat.id && o.cardId === cardId);
      if (option && fits([...chosen, option])) chosen.push(option);
    }
  }
  let best = worth(chosen);
  const pairs = handoffPairs(state, options);
  // Greedy additions first (cheap); removals and swaps only when no addition helps.
  for (let step = 0; step < 60; step++) {
    let next: Option[] | null = null;
    let nextValue = best;
    const consider = (candidate: Option[]) => {
      if (!fits(candidate)) return;
      const value = worth(candidate);
      if (value > nextValue + 1e-9) {
        nextValue = value;
        next = candidate;
      }
    };
    for (const o of options) if (usable(chosen, o)) consider([...chosen, o]);
    for (const [a, b] of pairs) if (usable(chosen, a) && usable(chosen, b)) consider([...chosen, a, b]);
    if (!next) {
      for (let i = 0; i < chosen.length; i++) {
        const without = chosen.filter((_, j) => j !== i);
        consider(without);
        for (const o of options) if (usable(chosen, o)) consider([...without, o]);
      }
    }
    if (!next) break;
    chosen = next;
    best = nextValue;
  }
  return { plays: chosen.map((o) => ({ seatId: o.seat.id, cardId: o.cardId, cost: o.cost })), value: best };
}

/** Pairs of options that together complete a hand-off. */
function handoffPairs(state: GameState, options: readonly Option[]): [Option, Option][] {
  const index = indexDeck(state.deck);
  const pairs: [Option, Option][] = [];
  for (const handoff of index.deck.handoffs) {
    const matches = (half: HandoffHalf, o: Option) => {
      const card = index.cards.get(o.cardId);
      return card !== undefined && matchesHalf(half, card);
    };
    const firsts = options.filter((o) => matches(handoff.first, o));
    const seconds = options.filter((o) => matches(handoff.second, o));
    if (firsts.length === 0 || seconds.length === 0) continue;
    for (const a of firsts) for (const b of seconds) if (a.cardId !== b.cardId) pairs.push([a, b]);
  }
  return pairs;
}
