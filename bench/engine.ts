/**
 * Engine bench: how fast the shared rules apply player commands, and how fast bots play whole
 * games. Prints figures; asserts nothing. Run with `npm run bench -- engine`.
 */
import os from "node:os";
import { builtinDeck } from "../shared/src/content/builtin-deck";
import type { GameCommand } from "../shared/src/rules/commands";
import { handOf } from "../shared/src/rules/energy";
import { applyCommand, createGame } from "../shared/src/rules/engine";
import { createRandom, type Random } from "../shared/src/rules/random";
import { runBots, STRATEGIES } from "../shared/src/rules/simulate";
import type { GameState } from "../shared/src/rules/state";
import type { BotStrategy, GameSettingsInput } from "../shared/src/rules/vocabulary";
import { machineRows } from "./machine";
import { fmt, table } from "./report";

const ACTION_SECONDS = 1.5;
const WARMUP_SECONDS = 0.3;
const GAME_SECONDS = 1;

// ─── helpers ──────────────────────────────────────────────────────────────────

function must(state: GameState, command: GameCommand): GameState {
  const result = applyCommand(state, command);
  if (!result.ok) throw new Error(`bench setup: ${command.type} refused: ${result.error.message}`);
  return result.state;
}

function newGame(settings: GameSettingsInput, seed: number): GameState {
  const created = createGame(settings, builtinDeck, seed);
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;

let peakHeap = 0;
function sampleHeap(): void {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}

// ─── applied actions ──────────────────────────────────────────────────────────

type ActionType = "card:select" | "card:unselect" | "card:show" | "seat:lockIn" | "seat:unlock";

/** How often each player action occurs in the mix (a planning round: mostly choosing and changing cards). */
const MIX: readonly [ActionType, number][] = [
  ["card:select", 40],
  ["card:unselect", 20],
  ["card:show", 15],
  ["seat:lockIn", 15],
  ["seat:unlock", 10],
];

/** A started game of `teams` teams of four people, in the planning phase of round 1. */
function planningGame(teams: number): GameState {
  let state = newGame({ teamSize: 4, fillWithBots: false, rounds: 5 }, 12345);
  for (let i = 1; i <= teams * 4; i++)
    state = must(state, { type: "seat:add", seatId: `p${i}`, name: `Player ${i}`, bot: null });
  state = must(state, { type: "game:start" });
  return must(state, { type: "round:forceReveal" });
}

function pickType(random: Random): ActionType {
  const total = MIX.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.int(total);
  for (const [type, weight] of MIX) {
    if (roll < weight) return type;
    roll -= weight;
  }
  return "card:select";
}

/** Commands per seat in one planned round: choosing, changing, showing, locking in. */
const COMMANDS_PER_SEAT = 12;

/**
 * Rounds of commands as people send them while planning: mostly sensible (select a free card of
 * the own hand, unselect a chosen one, lock in when unlocked), sometimes not (a card a teammate
 * took, one the budget cannot pay, a double lock-in), so refusals are part of the mix. Each round
 * is made by playing it from `base` (it ends early if everyone locked in and the round was
 * revealed), so replaying a round from `base` repeats exactly the same accepted and refused commands.
 */
function actionRounds(base: GameState, rounds: number, random: Random): GameCommand[][] {
  const out: GameCommand[][] = [];
  const pick = <T>(items: readonly T[]): T | undefined => items[random.int(items.length)];
  for (let r = 0; r < rounds; r++) {
    const commands: GameCommand[] = [];
    let state = base;
    for (let i = 0; i < COMMANDS_PER_SEAT * base.seatOrder.length && state.phase === "planning"; i++) {
      const seatId = pick(state.seatOrder) as string;
      const seat = state.seats[seatId] as GameState["seats"][string];
      const hand = handOf(state, seat);
      const sensible = random.next() < 0.8;
      const type = pickType(random);
      let command: GameCommand;
      if (type === "seat:lockIn" || type === "seat:unlock") {
        const opposite = type === "seat:lockIn" ? "seat:unlock" : "seat:lockIn";
        const fits = type === "seat:lockIn" ? !seat.locked : seat.locked;
        command = { type: sensible && !fits ? opposite : type, seatId };
      } else {
        const taken = new Set<string>();
        for (const id of state.seatOrder) {
          const mate = state.seats[id];
          if (mate?.teamId === seat.teamId) for (const card of mate.selected) taken.add(card);
        }
        const candidates =
          type === "card:unselect"
            ? seat.selected
            : type === "card:show"
              ? hand.filter((id) => !seat.shown.includes(id))
              : hand.filter((id) => !taken.has(id));
        const cardId = (sensible ? pick(candidates) : undefined) ?? (pick(hand) as string);
        command = { type, seatId, cardId };
      }
      commands.push(command);
      const result = applyCommand(state, command);
      if (result.ok) state = result.state;
    }
    out.push(commands);
  }
  return out;
}

interface ActionRun {
  applied: number;
  accepted: number;
  reveals: number;
  seconds: number;
  byType: Map<string, { count: number; accepted: number; seconds: number }>;
}

/** Replay the rounds, each from `base`, for at least `seconds`; `perType` times every command on its own. */
function applyFor(
  base: GameState,
  rounds: readonly GameCommand[][],
  seconds: number,
  perType: boolean,
): ActionRun {
  const byType = new Map<string, { count: number; accepted: number; seconds: number }>();
  let applied = 0;
  let accepted = 0;
  let reveals = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const round of rounds) {
      let state = base;
      for (const command of round) {
        let ok: boolean;
        if (perType) {
          const t0 = performance.now();
          const result = applyCommand(state, command);
          const t1 = performance.now();
          ok = result.ok;
          if (result.ok) state = result.state;
          const entry = byType.get(command.type) ?? { count: 0, accepted: 0, seconds: 0 };
          entry.count++;
          entry.seconds += (t1 - t0) / 1000;
          if (ok) entry.accepted++;
          byType.set(command.type, entry);
        } else {
          const result = applyCommand(state, command);
          ok = result.ok;
          if (result.ok) state = result.state;
        }
        applied++;
        if (ok) accepted++;
      }
      if (state.phase !== "planning") reveals++;
    }
    sampleHeap();
  }
  return { applied, accepted, reveals, seconds: (performance.now() - start) / 1000, byType };
}

function benchActions(): string {
  const rows: string[][] = [
    ["game", "commands", "seconds", "commands/s", "µs/command", "accepted", "rounds", "revealed"],
  ];
  const typeRows: string[][] = [
    ["by command (3 teams; each timed on its own, timer cost included)", "count", "µs/command", "accepted"],
  ];
  for (const teams of [2, 3]) {
    const base = planningGame(teams);
    const rounds = actionRounds(base, 200, createRandom(teams, 3));
    applyFor(base, rounds, WARMUP_SECONDS, false);
    const run = applyFor(base, rounds, ACTION_SECONDS, false);
    const played = Math.round(run.applied / (rounds.reduce((n, r) => n + r.length, 0) / rounds.length));
    rows.push([
      `${teams} teams of 4 people`,
      fmt(run.applied),
      fmt(run.seconds, 2),
      fmt(run.applied / run.seconds),
      fmt((run.seconds * 1e6) / run.applied, 2),
      `${fmt((100 * run.accepted) / run.applied)} %`,
      fmt(played),
      fmt(run.reveals),
    ]);
    if (teams === 3) {
      const timed = applyFor(base, rounds, 1, true);
      for (const [type] of MIX) {
        const entry = timed.byType.get(type);
        if (!entry) continue;
        typeRows.push([
          type,
          fmt(entry.count),
          fmt((entry.seconds * 1e6) / entry.count, 2),
          `${fmt((100 * entry.accepted) / entry.count)} %`,
        ]);
      }
    }
  }
  const mix = MIX.map(([type, weight]) => `${type} ${weight} %`).join(", ");
  return [
    "Applied player actions on a started game in planning",
    `  (a round: up to ${COMMANDS_PER_SEAT} commands per seat, then the next round starts from the same planning state;`,
    `   mix: ${mix}; about 1 in 5 commands is one a careless player would send)`,
    table(rows),
    "",
    table(typeRows),
  ].join("\n");
}

// ─── bot games ────────────────────────────────────────────────────────────────

/** One whole game played by bots through runBots, as simulate.ts plays it; returns the finished state. */
function playBotGame(strategies: readonly BotStrategy[], seed: number): GameState {
  let state = newGame({ fillWithBots: false, teamSize: 4 }, seed);
  strategies.forEach((strategy, t) => {
    for (let i = 0; i < 4; i++)
      state = must(state, {
        type: "seat:add",
        seatId: `${t}-${i}`,
        name: `${strategy} ${t + 1}.${i + 1}`,
        bot: strategy,
      });
  });
  state = must(state, { type: "game:start" });
  const random = createRandom(seed, 7);
  while (state.phase !== "finished") {
    if (state.phase === "revealed") {
      state = must(state, { type: "round:next" });
      continue;
    }
    const before = state.phase;
    state = runBots(state, random);
    if (state.phase === before)
      throw new Error(`bench: the bots got stuck in phase ${before} of round ${state.round}`);
  }
  return state;
}

function benchGames(): string {
  const rows: string[][] = [
    ["teams (4 bots each)", "games", "seconds", "games/s", "ms/game", "commands/game", "median score"],
  ];
  const setups: [string, BotStrategy[]][] = [
    ...STRATEGIES.map((s): [string, BotStrategy[]] => [`2 × ${s}`, [s, s]]),
    ["random + role-only + coordinated", [...STRATEGIES]],
  ];
  let rounds = 0;
  for (const [label, strategies] of setups) {
    playBotGame(strategies, 1);
    let games = 0;
    let commands = 0;
    const scores: number[] = [];
    const start = performance.now();
    while (performance.now() - start < GAME_SECONDS * 1000 || games < 3) {
      const state = playBotGame(strategies, 1000 + games);
      games++;
      commands += state.version;
      rounds = state.round;
      for (const id of state.teamOrder) scores.push(state.finalScores?.[id] ?? 0);
      if (games % 10 === 0) sampleHeap();
    }
    sampleHeap();
    const seconds = (performance.now() - start) / 1000;
    scores.sort((a, b) => a - b);
    rows.push([
      label,
      fmt(games),
      fmt(seconds, 2),
      fmt(games / seconds, 1),
      fmt((seconds * 1000) / games, 1),
      fmt(commands / games),
      fmt(scores[Math.floor(scores.length / 2)] ?? 0),
    ]);
  }
  return `Whole bot games (built-in deck, ${rounds} rounds, runBots with a seeded random)\n${table(rows)}`;
}

// ─── the part ─────────────────────────────────────────────────────────────────

export function runEngineBench(): void {
  const deck = `${builtinDeck.name}: ${builtinDeck.scenarios.length} scenarios, ${builtinDeck.actions.length} action cards`;
  const about = table(
    [
      ["node", process.version],
      ...machineRows({ load: false }),
      ["platform", `${os.platform()} ${os.arch()}`],
      ["deck", deck],
    ],
    true,
  );
  console.log(`Engine bench\n${about}\n`);
  sampleHeap();
  console.log(`${benchActions()}\n`);
  console.log(`${benchGames()}\n`);
  const memory = process.memoryUsage();
  console.log(
    `Memory\n${table([
      ["heap used now", mb(memory.heapUsed)],
      ["heap used, highest sample", mb(Math.max(peakHeap, memory.heapUsed))],
      ["heap total", mb(memory.heapTotal)],
      ["rss", mb(memory.rss)],
    ])}`,
  );
}
