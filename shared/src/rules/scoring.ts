/**
 * Scoring one team's round. Every figure is built from rationale lines, so each point on screen can
 * be traced to the card and seat, hand-off, investment or twist that produced it.
 *
 *   demand  = scenario demand × team capacity ÷ standard capacity × (1 + how far the meter is below 50 %)
 *   supply  = card points + hand-off supply + investment payoffs (+ twists that count one duty as another)
 *   advocacy supply × breadth factor (1 role alone 0.7, 2 roles 0.85, 3 or more 1)
 *   coverage = min(1, supply ÷ demand), or 1 when the demand is 0
 *   score   = max(0, round(100 × mean coverage + hand-off bonuses − waste))
 */
import { type DeckIndex, indexDeck } from "./deck-index";
import { budgetFor, currentScenario, poolKey, twistEffects } from "./energy";
import { DUTIES, METER_FOR } from "./names";
import { seatsOfTeam } from "./setup";
import type { DutyFigures, GameState, Meters, Play, RationaleLine, RoundScore, Seat, Team } from "./state";
import type { ActionCard, Handoff, HandoffHalf, Role, ScenarioCard, TwistEffect } from "./vocabulary";

export const WASTE_PER_POINT = 1;
export const BREADTH_FACTORS = [1, 0.7, 0.85, 1] as const;
export { METER_FOR } from "./names";
/** A meter moves by METER_STEP × (coverage − METER_PIVOT): full coverage +10, 75 % none, nothing −30. */
export const METER_STEP = 50;
export const METER_PIVOT = 0.85;
/** Each meter point below 50 raises that duty's demand by 1/METER_DEMAND_DIVISOR (at 20: +50 %). */
export const METER_DEMAND_DIVISOR = 60;

const ROLE_LABEL: Record<Role, string> = { pm: "PM", pmm: "PMM", cm: "CM", support: "Support" };

export function roleLabel(role: Role): string {
  return ROLE_LABEL[role];
}

export function zeroFigures(): DutyFigures {
  return { outbound: 0, inbound: 0, advocacy: 0 };
}

/** Everything about one team's round that does not depend on the cards it plays. */
export interface RoundContext {
  index: DeckIndex;
  round: number;
  team: Team;
  scenario: ScenarioCard;
  effects: readonly TwistEffect[];
  demand: DutyFigures;
  demandLines: RationaleLine[];
  seatNames: ReadonlyMap<string, string>;
}

/** The energy a team can spend in a round without twists: one budget per distinct set of roles. */
export function teamCapacity(seats: readonly Seat[], energyPerRole: number): number {
  const pools = new Map<string, number>();
  for (const seat of seats)
    if (seat.roles.length > 0) pools.set(poolKey(seat), budgetFor(seat.roles, energyPerRole, []));
  let total = 0;
  for (const budget of pools.values()) total += budget;
  return total;
}

export function roundContext(state: GameState, teamId: string): RoundContext | undefined {
  const team = state.teams[teamId];
  const scenario = currentScenario(state);
  if (!team || !scenario) return undefined;
  const seats = seatsOfTeam(state, teamId);
  const standard = 4 * state.settings.energyPerRole;
  const capacity = teamCapacity(seats, state.settings.energyPerRole);
  const scale = capacity / standard;
  const demand = zeroFigures();
  const demandLines: RationaleLine[] = [];
  for (const duty of DUTIES) {
    const meter = team.meters[METER_FOR[duty]];
    const meterFactor = 1 + Math.max(0, 50 - meter) / METER_DEMAND_DIVISOR;
    const base = scenario.demands[duty];
    demand[duty] = Math.ceil(base * scale * meterFactor - 1e-9);
    const notes: string[] = [];
    if (capacity !== standard)
      notes.push(`scaled to this team's ${capacity} energy (a team of four has ${standard})`);
    if (meterFactor > 1)
      notes.push(`+${Math.round((meterFactor - 1) * 100)} % because ${METER_FOR[duty]} is at ${meter}`);
    demandLines.push({
      kind: "demand",
      duty,
      points: demand[duty],
      seatId: null,
      cardId: null,
      text: `${scenario.title} demands ${demand[duty]} ${duty}${notes.length ? ` (${base}, ${notes.join("; ")})` : ""}`,
    });
  }
  const seatNames = new Map(seats.map((s) => [s.id, s.name]));
  return {
    index: indexDeck(state.deck),
    round: state.round,
    team,
    scenario,
    effects: twistEffects(state),
    demand,
    demandLines,
    seatNames,
  };
}

export function matchesHalf(half: HandoffHalf, card: ActionCard): boolean {
  return "card" in half ? half.card === card.id : (card.points[half.anyCardWithDuty] ?? 0) > 0;
}

/** Both halves played in the same round, by two different plays. */
export function handoffFires(handoff: Handoff, cards: readonly ActionCard[]): boolean {
  for (let i = 0; i < cards.length; i++) {
    if (!matchesHalf(handoff.first, cards[i] as ActionCard)) continue;
    for (let j = 0; j < cards.length; j++) {
      if (j !== i && matchesHalf(handoff.second, cards[j] as ActionCard)) return true;
    }
  }
  return false;
}

export interface Evaluation {
  score: number;
  coverage: DutyFigures;
  supply: DutyFigures;
  waste: number;
  breadthFactor: number;
  handoffs: { id: string; title: string; bonus: number }[];
  lines: RationaleLine[];
}

/** Score a set of plays for one team. `withLines` false skips the rationale (bots evaluate many plays). */
export function evaluatePlays(ctx: RoundContext, plays: readonly Play[], withLines = true): Evaluation {
  const { index, effects } = ctx;
  const lines: RationaleLine[] = [];
  const supply = zeroFigures();
  const cards: ActionCard[] = [];
  const advocacyRoles = new Set<Role>();
  const spilled = zeroFigures();
  for (const play of plays) {
    const card = index.cards.get(play.cardId);
    if (!card) continue;
    cards.push(card);
    for (const duty of DUTIES) {
      const points = card.points[duty] ?? 0;
      if (points <= 0) continue;
      supply[duty] += points;
      if (duty === "advocacy") advocacyRoles.add(card.role);
      if (withLines) {
        const who = ctx.seatNames.get(play.seatId) ?? "A former player";
        lines.push({
          kind: "card",
          duty,
          points,
          seatId: play.seatId,
          cardId: card.id,
          text: `${who} played "${card.title}" (${roleLabel(card.role)}): +${points} ${duty}`,
        });
      }
    }
  }
  for (const inv of ctx.team.investments) {
    supply[inv.duty] += inv.points;
    const card = index.cards.get(inv.cardId);
    if (inv.duty === "advocacy" && card) advocacyRoles.add(card.role);
    if (withLines)
      lines.push({
        kind: "investment",
        duty: inv.duty,
        points: inv.points,
        seatId: inv.seatId,
        cardId: inv.cardId,
        text: `"${card?.title ?? inv.cardId}" (invested by ${inv.seatName} in round ${inv.playedRound}) pays +${inv.points} ${inv.duty}`,
      });
  }
  let multiplier = 1;
  for (const e of effects) if (e.kind === "handoffMultiplier") multiplier *= e.factor;
  const handoffs: Evaluation["handoffs"] = [];
  let bonus = 0;
  for (const handoff of index.deck.handoffs) {
    if (!handoffFires(handoff, cards)) continue;
    const worth = handoff.bonus * multiplier;
    bonus += worth;
    handoffs.push({ id: handoff.id, title: handoff.title, bonus: worth });
    for (const duty of DUTIES) {
      const points = handoff.supply[duty] ?? 0;
      if (points <= 0) continue;
      supply[duty] += points;
      if (withLines)
        lines.push({
          kind: "handoff",
          duty,
          points,
          seatId: null,
          cardId: null,
          text: `Hand-off "${handoff.title}": +${points} ${duty}`,
        });
    }
    if (withLines)
      lines.push({
        kind: "handoff",
        duty: null,
        points: worth,
        seatId: null,
        cardId: null,
        text: `Hand-off "${handoff.title}": +${worth} score${multiplier !== 1 ? ` (×${multiplier} this round)` : ""}`,
      });
  }
  for (const e of effects) {
    if (e.kind !== "dutyAlsoCounts") continue;
    const extra = supply[e.from];
    if (extra <= 0) continue;
    supply[e.to] += extra;
    spilled[e.to] += extra;
    if (e.to === "advocacy")
      for (const card of cards) if ((card.points[e.from] ?? 0) > 0) advocacyRoles.add(card.role);
    if (withLines)
      lines.push({
        kind: "twist",
        duty: e.to,
        points: extra,
        seatId: null,
        cardId: null,
        text: `Twist: ${extra} ${e.from} also counts as ${e.to}`,
      });
  }
  const breadthFactor = supply.advocacy > 0 ? (BREADTH_FACTORS[Math.min(3, advocacyRoles.size)] ?? 1) : 1;
  if (breadthFactor < 1) {
    const before = supply.advocacy;
    supply.advocacy = Math.round(before * breadthFactor * 10) / 10;
    if (withLines) {
      const roles = [...advocacyRoles].map(roleLabel).join(" and ");
      lines.push({
        kind: "breadth",
        duty: "advocacy",
        points: supply.advocacy - before,
        seatId: null,
        cardId: null,
        text: `Advocacy came only from ${roles}: ×${breadthFactor} (${before} → ${supply.advocacy}). Spread it across three roles for full value.`,
      });
    }
  }
  const coverage = zeroFigures();
  let waste = 0;
  let coverageSum = 0;
  for (const duty of DUTIES) {
    const demand = ctx.demand[duty];
    coverage[duty] = demand <= 0 ? 1 : Math.min(1, supply[duty] / demand);
    coverageSum += coverage[duty];
    // Points a twist counted twice are not effort, so they are never waste.
    const excess = Math.max(0, supply[duty] - spilled[duty] - demand);
    if (excess > 0) {
      waste += excess * WASTE_PER_POINT;
      if (withLines)
        lines.push({
          kind: "waste",
          duty,
          points: -excess * WASTE_PER_POINT,
          seatId: null,
          cardId: null,
          text: `${excess} ${duty} beyond the demand of ${demand} was wasted: −${excess * WASTE_PER_POINT} score`,
        });
    } else if (supply[duty] < demand && withLines) {
      const missing = Math.round((demand - supply[duty]) * 10) / 10;
      lines.push({
        kind: "gap",
        duty,
        points: -missing,
        seatId: null,
        cardId: null,
        text: `${duty} fell ${missing} short of ${demand} (${Math.round(coverage[duty] * 100)} % covered)`,
      });
    }
  }
  waste = Math.round(waste * 10) / 10;
  const score = Math.max(0, Math.round((100 * coverageSum) / DUTIES.length + bonus - waste));
  return { score, coverage, supply, waste, breadthFactor, handoffs, lines };
}

export function metersAfter(meters: Meters, coverage: DutyFigures): Meters {
  const next = { ...meters };
  for (const duty of DUTIES) {
    const name = METER_FOR[duty];
    next[name] = Math.max(
      0,
      Math.min(100, Math.round(meters[name] + METER_STEP * (coverage[duty] - METER_PIVOT))),
    );
  }
  return next;
}

export function scoreRound(
  ctx: RoundContext,
  plays: readonly Play[],
  reportsTo: "product" | "marketing",
): RoundScore {
  const evaluation = evaluatePlays(ctx, plays, true);
  const after = metersAfter(ctx.team.meters, evaluation.coverage);
  const meterLines: RationaleLine[] = DUTIES.map((duty) => {
    const name = METER_FOR[duty];
    const delta = after[name] - ctx.team.meters[name];
    return {
      kind: "meter",
      duty,
      points: delta,
      seatId: null,
      cardId: null,
      text: `${name} ${delta >= 0 ? "+" : ""}${delta} → ${after[name]}`,
    };
  });
  return {
    round: ctx.round,
    teamId: ctx.team.id,
    scenarioId: ctx.scenario.id,
    reportsTo,
    plays: plays.slice(),
    demand: ctx.demand,
    supply: evaluation.supply,
    coverage: evaluation.coverage,
    breadthFactor: evaluation.breadthFactor,
    handoffs: evaluation.handoffs,
    waste: evaluation.waste,
    score: evaluation.score,
    metersAfter: after,
    lines: [...ctx.demandLines, ...evaluation.lines, ...meterLines],
  };
}

/** The final score: every round's score plus the mean of the final meters. */
export function finalScore(team: Team): number {
  const { trust, awareness, fit } = team.meters;
  return team.total + Math.round((trust + awareness + fit) / 3);
}
