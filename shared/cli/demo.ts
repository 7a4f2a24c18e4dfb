/**
 * A whole game played by bots in the terminal, with every score's rationale: what a facilitator
 * would read on the host screen. `npm start -- [seed]` (until the game server lands, this is what
 * `npm start` runs).
 */
import { builtinDeck } from "../src/content/builtin-deck";
import type { GameCommand } from "../src/rules/commands";
import { applyCommand, createGame } from "../src/rules/engine";
import { createRandom } from "../src/rules/random";
import { runBots, STRATEGIES } from "../src/rules/simulate";
import type { GameState } from "../src/rules/state";

function apply(state: GameState, command: GameCommand): GameState {
  const result = applyCommand(state, command);
  if (!result.ok) throw new Error(`${command.type}: ${result.error.message}`);
  return result.state;
}

const seedArg = process.argv[2] ?? "1";
const seed = Number.parseInt(seedArg, 10);
if (!Number.isInteger(seed)) {
  console.error(`demo: the seed must be a whole number, got "${seedArg}"`);
  process.exit(2);
}

const created = createGame({ rounds: 5, fillWithBots: false }, builtinDeck, seed);
if (!created.ok) throw new Error(created.error.message);
let state = created.value;
for (const strategy of STRATEGIES)
  for (let i = 1; i <= 4; i++)
    state = apply(state, {
      type: "seat:add",
      seatId: `${strategy}-${i}`,
      name: `${strategy} bot ${i}`,
      bot: strategy,
    });
state = apply(state, { type: "game:start" });
const random = createRandom(seed, 7);
const out: string[] = [
  `Boxless — a bot game on the built-in deck, seed ${seed}. Teams: ${STRATEGIES.join(", ")} bots.`,
];

while (state.phase !== "finished") {
  state = runBots(state, random);
  if (state.phase !== "revealed") continue;
  const scenario = builtinDeck.scenarios.find((s) => s.id === state.deals[state.round - 1]?.scenarioId);
  out.push("", `══ Round ${state.round}/${state.settings.rounds}: ${scenario?.title} ══`);
  for (const line of scenario?.situation ?? []) out.push(`   ${line}`);
  if (scenario?.twist) out.push(`   Twist — ${scenario.twist.title}: ${scenario.twist.text}`);
  for (const teamId of state.teamOrder) {
    const team = state.teams[teamId];
    const score = team?.roundScores.at(-1);
    if (!team || !score) continue;
    const strategy = state.seats[state.seatOrder.find((id) => state.seats[id]?.teamId === teamId) ?? ""]?.bot;
    const cov = (d: keyof typeof score.coverage) => `${Math.round(score.coverage[d] * 100)}%`;
    out.push(
      "",
      `  ${team.name} (${strategy}; Community reports to ${score.reportsTo}): ${score.score} points — outbound ${cov("outbound")}, inbound ${cov("inbound")}, advocacy ${cov("advocacy")}`,
    );
    for (const line of score.lines) out.push(`    · ${line.text}`);
  }
  state = apply(state, { type: "round:next" });
}

out.push("", "══ Final scores (round scores + mean of the final meters) ══");
const board = state.teamOrder
  .map((id) => ({ team: state.teams[id], final: state.finalScores?.[id] ?? 0 }))
  .sort((a, b) => b.final - a.final);
for (const { team, final } of board) {
  if (!team) continue;
  const { trust, awareness, fit } = team.meters;
  out.push(
    `  ${team.name.padEnd(10)} ${String(final).padStart(4)}  (rounds ${team.total}; trust ${trust}, awareness ${awareness}, fit ${fit})`,
  );
}
console.log(out.join("\n"));
