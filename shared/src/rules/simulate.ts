/**
 * The deck simulator: bot teams of each strategy play the same deals (as in duplicate bridge), so
 * their scores compare strategies, not luck. Pure and seeded: the same deck, games and seed give
 * the same report, byte for byte.
 */
import { planBotCommands } from "./bots";
import { indexDeck } from "./deck-index";
import { budgetFor, cardCost, frozenRoles, handOf, poolKey, twistEffects } from "./energy";
import { applyCommand, createGame } from "./engine";
import { createRandom, type Random } from "./random";
import { evaluatePlays, roundContext } from "./scoring";
import { STARTING_METERS, seatsOfTeam } from "./setup";
import type { GameState, Play, Seat } from "./state";
import {
  type BotStrategy,
  BotStrategy as BotStrategySchema,
  type Deck,
  DUTIES,
  type Duty,
} from "./vocabulary";

export const STRATEGIES: readonly BotStrategy[] = BotStrategySchema.options;

export interface Distribution {
  count: number;
  min: number;
  median: number;
  max: number;
}

export interface StrategyFigures {
  rounds: Distribution;
  games: Distribution;
  /** Share of rounds (0–1) in which each duty was under-covered. */
  underCovered: Record<Duty, number>;
  /** Share of rounds in which all three duties were fully covered. */
  fullCover: number;
}

export interface ScenarioFigures {
  id: string;
  title: string;
  byStrategy: Record<BotStrategy, Omit<StrategyFigures, "games">>;
  /** Deals of this scenario checked exhaustively, and in how many of them some legal play covered all three duties. */
  checkedDeals: number;
  coverableDeals: number;
  flags: string[];
}

export interface SimulationReport {
  deck: string;
  games: number;
  seed: number;
  overall: Record<BotStrategy, StrategyFigures>;
  scenarios: ScenarioFigures[];
}

interface RoundRecord {
  strategy: BotStrategy;
  scenarioId: string;
  score: number;
  under: Record<Duty, boolean>;
}

/** Exhaustive checks per scenario are bounded: this many deals each. */
const EXACT_CHECKS_PER_SCENARIO = 2;

function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, min: 0, median: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { count: sorted.length, min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}

function roundFigures(records: readonly RoundRecord[]): Omit<StrategyFigures, "games"> {
  const n = Math.max(1, records.length);
  const underCovered = { outbound: 0, inbound: 0, advocacy: 0 };
  let full = 0;
  for (const r of records) {
    for (const duty of DUTIES) if (r.under[duty]) underCovered[duty] += 1 / n;
    if (!r.under.outbound && !r.under.inbound && !r.under.advocacy) full++;
  }
  return { rounds: distribution(records.map((r) => r.score)), underCovered, fullCover: full / n };
}

/** Apply a command the simulator made; a bot's command is legal by construction, so a refusal is a bug. */
function must(state: GameState, command: Parameters<typeof applyCommand>[1]): GameState {
  const result = applyCommand(state, command);
  if (!result.ok) throw new Error(`simulator: ${command.type} refused: ${result.error.message}`);
  return result.state;
}

/** Let every bot act until none has anything left to do, or the phase changes. */
export function runBots(state: GameState, random: Random): GameState {
  let current = state;
  for (let pass = 0; pass < 20; pass++) {
    let acted = false;
    for (const seatId of current.seatOrder) {
      for (const command of planBotCommands(current, seatId, random)) {
        current = must(current, command);
        acted = true;
        if (current.phase !== state.phase) return current;
      }
    }
    if (!acted) break;
  }
  return current;
}

/** Can some legal play of this team cover all three duties this round? Exhaustive, with bounds. */
export function canCoverFully(state: GameState, teamId: string): boolean {
  const ctx = roundContext(state, teamId);
  const team = state.teams[teamId];
  if (!ctx || !team) return false;
  const index = indexDeck(state.deck);
  const effects = twistEffects(state);
  const frozen = frozenRoles(effects);
  const pools = new Map<string, { budget: number; options: Play[] }>();
  for (const seat of seatsOfTeam(state, teamId)) {
    if (seat.roles.length === 0) continue;
    const key = poolKey(seat);
    const pool = pools.get(key) ?? {
      budget: budgetFor(seat.roles, state.settings.energyPerRole, effects),
      options: [],
    };
    for (const cardId of handOf(state, seat)) {
      const card = index.cards.get(cardId);
      if (!card || frozen.has(card.role) || pool.options.some((o) => o.cardId === cardId)) continue;
      pool.options.push({
        seatId: seat.id,
        cardId,
        cost: cardCost(index, seat as Seat, card, team.reportsTo, effects),
      });
    }
    pools.set(key, pool);
  }
  // Every affordable subset of each pool, with its raw supply.
  const subsets = [...pools.values()].map((pool) => {
    const out: { plays: Play[]; supply: Record<Duty, number> }[] = [];
    const walk = (i: number, left: number, plays: Play[]) => {
      if (i === pool.options.length) {
        const supply = { outbound: 0, inbound: 0, advocacy: 0 };
        for (const p of plays) for (const d of DUTIES) supply[d] += index.cards.get(p.cardId)?.points[d] ?? 0;
        out.push({ plays: [...plays], supply });
        return;
      }
      walk(i + 1, left, plays);
      const option = pool.options[i] as Play;
      if (option.cost <= left) walk(i + 1, left - option.cost, [...plays, option]);
    };
    walk(0, pool.budget, []);
    return out;
  });
  const extra = { outbound: 0, inbound: 0, advocacy: 0 };
  for (const h of index.deck.handoffs) for (const d of DUTIES) extra[d] += h.supply[d] ?? 0;
  for (const inv of team.investments) extra[inv.duty] += inv.points;
  const spill = effects.filter((e) => e.kind === "dutyAlsoCounts");
  const bestAfter: Record<Duty, number>[] = [];
  let acc = { outbound: 0, inbound: 0, advocacy: 0 };
  for (let i = subsets.length - 1; i >= 0; i--) {
    const best = { outbound: 0, inbound: 0, advocacy: 0 };
    for (const s of subsets[i] ?? []) for (const d of DUTIES) best[d] = Math.max(best[d], s.supply[d]);
    acc = {
      outbound: acc.outbound + best.outbound,
      inbound: acc.inbound + best.inbound,
      advocacy: acc.advocacy + best.advocacy,
    };
    bestAfter[i] = acc;
  }
  const hopeless = (i: number, supply: Record<Duty, number>) => {
    const rest = bestAfter[i] ?? { outbound: 0, inbound: 0, advocacy: 0 };
    const bound = { outbound: 0, inbound: 0, advocacy: 0 };
    for (const d of DUTIES) bound[d] = supply[d] + rest[d] + extra[d];
    for (const e of spill) if (e.kind === "dutyAlsoCounts") bound[e.to] += bound[e.from];
    return DUTIES.some((d) => bound[d] < ctx.demand[d]);
  };
  const search = (i: number, plays: Play[], supply: Record<Duty, number>): boolean => {
    if (hopeless(i, supply)) return false;
    if (i === subsets.length) {
      const { coverage } = evaluatePlays(ctx, plays, false);
      return DUTIES.every((d) => coverage[d] >= 1);
    }
    for (const s of subsets[i] ?? []) {
      const next = {
        outbound: supply.outbound + s.supply.outbound,
        inbound: supply.inbound + s.supply.inbound,
        advocacy: supply.advocacy + s.supply.advocacy,
      };
      if (search(i + 1, [...plays, ...s.plays], next)) return true;
    }
    return false;
  };
  return search(0, [], { outbound: 0, inbound: 0, advocacy: 0 });
}

export function simulateDeck(deck: Deck, options: { games: number; seed: number }): SimulationReport {
  const index = indexDeck(deck);
  const records: RoundRecord[] = [];
  const gameScores: Record<BotStrategy, number[]> = { random: [], "role-only": [], coordinated: [] };
  const exact = new Map<string, { checked: number; coverable: number }>();
  for (let g = 0; g < options.games; g++) {
    const seed = (Math.imul(options.seed, 100_003) + g) | 0;
    const created = createGame({ fillWithBots: false, teamSize: 4 }, deck, seed);
    if (!created.ok) throw new Error(created.error.message);
    let state = created.value;
    const teamOf: Record<string, BotStrategy> = {};
    STRATEGIES.forEach((strategy, t) => {
      for (let i = 0; i < 4; i++)
        state = must(state, {
          type: "seat:add",
          seatId: `${strategy}-${i}`,
          name: `${strategy} ${i + 1}`,
          bot: strategy,
        });
      teamOf[state.teamOrder[t] as string] = strategy;
    });
    state = must(state, { type: "game:start" });
    const random = createRandom(seed, 7);
    while (state.phase !== "finished") {
      if (state.phase === "reporting") state = runBots(state, random);
      if (state.phase === "planning") {
        const scenarioId = state.deals[state.round - 1]?.scenarioId ?? "";
        const check = exact.get(scenarioId) ?? { checked: 0, coverable: 0 };
        if (check.checked < EXACT_CHECKS_PER_SCENARIO) {
          const coordinatedTeam = state.teamOrder.find((id) => teamOf[id] === "coordinated") as string;
          check.checked++;
          // Judge the scenario itself: a fresh team, meters at their start and no investments.
          const team = state.teams[coordinatedTeam];
          const fresh = team
            ? {
                ...state,
                teams: {
                  ...state.teams,
                  [coordinatedTeam]: { ...team, meters: { ...STARTING_METERS }, investments: [] },
                },
              }
            : state;
          if (canCoverFully(fresh, coordinatedTeam)) check.coverable++;
          exact.set(scenarioId, check);
        }
        state = runBots(state, random);
        // Every bot locks in, so the round is revealed; anything else is a bug.
        if (state.phase !== "revealed") throw new Error("simulator: a round was not revealed");
      }
      if (state.phase === "revealed") {
        for (const teamId of state.teamOrder) {
          const team = state.teams[teamId];
          const score = team?.roundScores[team.roundScores.length - 1];
          if (!score) continue;
          records.push({
            strategy: teamOf[teamId] as BotStrategy,
            scenarioId: score.scenarioId,
            score: score.score,
            under: {
              outbound: score.coverage.outbound < 1,
              inbound: score.coverage.inbound < 1,
              advocacy: score.coverage.advocacy < 1,
            },
          });
        }
        state = must(state, { type: "round:next" });
      }
    }
    for (const teamId of state.teamOrder)
      gameScores[teamOf[teamId] as BotStrategy].push(state.finalScores?.[teamId] ?? 0);
  }
  const overall = {} as Record<BotStrategy, StrategyFigures>;
  for (const strategy of STRATEGIES) {
    overall[strategy] = {
      ...roundFigures(records.filter((r) => r.strategy === strategy)),
      games: distribution(gameScores[strategy]),
    };
  }
  const scenarios: ScenarioFigures[] = deck.scenarios.map((scenario) => {
    const byStrategy = {} as ScenarioFigures["byStrategy"];
    for (const strategy of STRATEGIES)
      byStrategy[strategy] = roundFigures(
        records.filter((r) => r.strategy === strategy && r.scenarioId === scenario.id),
      );
    const check = exact.get(scenario.id) ?? { checked: 0, coverable: 0 };
    const flags: string[] = [];
    if (check.checked > 0 && check.coverable === 0)
      flags.push(`no legal play covers all three duties (checked exhaustively in ${check.checked} deals)`);
    if (byStrategy.random.rounds.count > 0 && byStrategy.random.fullCover >= 0.9)
      flags.push(
        `too easy: even random play covers all three duties in ${Math.round(byStrategy.random.fullCover * 100)} % of rounds`,
      );
    if (byStrategy.random.rounds.count === 0) flags.push("never dealt: raise --games");
    return {
      id: scenario.id,
      title: index.scenarios.get(scenario.id)?.title ?? scenario.id,
      byStrategy,
      checkedDeals: check.checked,
      coverableDeals: check.coverable,
      flags,
    };
  });
  return { deck: deck.name, games: options.games, seed: options.seed, overall, scenarios };
}

const pct = (x: number) => `${Math.round(x * 100)}%`.padStart(4);
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1)).padStart(5);

export function formatSimulationReport(report: SimulationReport): string {
  const out: string[] = [];
  out.push(
    `Simulation of "${report.deck}": ${report.games} games, seed ${report.seed}; one team of four bots per strategy, same deals.`,
  );
  out.push("");
  out.push("Overall (round scores; game = rounds + final meter bonus)");
  out.push(
    "strategy      rounds   min median   max | game min median   max | under-covered: out   in  adv | all three covered",
  );
  for (const s of STRATEGIES) {
    const f = report.overall[s];
    out.push(
      `${s.padEnd(12)} ${String(f.rounds.count).padStart(7)} ${num(f.rounds.min)} ${num(f.rounds.median)}  ${num(f.rounds.max)} | ${num(f.games.min)} ${num(f.games.median)}  ${num(f.games.max)} |                ${pct(f.underCovered.outbound)} ${pct(f.underCovered.inbound)} ${pct(f.underCovered.advocacy)} | ${pct(f.fullCover)}`,
    );
  }
  const c = report.overall.coordinated.rounds.median;
  const r = report.overall.random.rounds.median;
  const o = report.overall["role-only"].rounds.median;
  out.push(
    `coordinated median ÷ random median = ${r > 0 ? (c / r).toFixed(2) : "∞"}; ÷ role-only median = ${o > 0 ? (c / o).toFixed(2) : "∞"}`,
  );
  out.push("");
  out.push("Per scenario (round scores min/median/max; share of rounds each duty was under-covered)");
  for (const sc of report.scenarios) {
    out.push(
      `${sc.title} [${sc.id}]  exact check: ${sc.coverableDeals}/${sc.checkedDeals} deals fully coverable`,
    );
    for (const s of STRATEGIES) {
      const f = sc.byStrategy[s];
      out.push(
        `  ${s.padEnd(12)} n=${String(f.rounds.count).padStart(4)} ${num(f.rounds.min)} ${num(f.rounds.median)} ${num(f.rounds.max)} | under out ${pct(f.underCovered.outbound)} in ${pct(f.underCovered.inbound)} adv ${pct(f.underCovered.advocacy)} | all covered ${pct(f.fullCover)}`,
      );
    }
    for (const flag of sc.flags) out.push(`  FLAG: ${flag}`);
  }
  const flagged = report.scenarios.filter((s) => s.flags.length > 0).length;
  out.push("");
  out.push(flagged === 0 ? "No scenario flagged." : `${flagged} scenario(s) flagged.`);
  return `${out.join("\n")}\n`;
}
