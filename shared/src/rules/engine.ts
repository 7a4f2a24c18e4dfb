/**
 * The rules engine: `createGame` and `applyCommand`. Both are pure: they never read a clock, never
 * throw and never change the state they are given. An illegal command returns a typed error and
 * the caller keeps its old state.
 */
import { GameCommand } from "./commands";
import { indexDeck } from "./deck-index";
import { handOf, playsOf, selectProblem } from "./energy";
import { type GameError, gameError } from "./errors";
import { finalScore, roundContext, scoreRound } from "./scoring";
import { balanceRoles, dealRounds, newTeam, seatsOfTeam } from "./setup";
import type { GameState, Play, Seat, Team } from "./state";
import {
  type BotStrategy,
  type Deck,
  GameSettings,
  type GameSettingsInput,
  ROLES,
  type Role,
} from "./vocabulary";

export type Result<T> = { ok: true; value: T } | { ok: false; error: GameError };
export type ApplyResult = { ok: true; state: GameState } | { ok: false; error: GameError };

const fail = (code: GameError["code"], message: string): ApplyResult => ({
  ok: false,
  error: gameError(code, message),
});

/** The round in which teams review where Community reports, or 0 when the game is too short for one. */
export function midGameRound(rounds: number): number {
  return rounds >= 3 ? Math.floor(rounds / 2) + 1 : 0;
}

export function createGame(settings: GameSettingsInput, deck: Deck, seed: number): Result<GameState> {
  const parsed = GameSettings.safeParse(settings);
  if (!parsed.success)
    return {
      ok: false,
      error: gameError("action/invalid", `Invalid settings: ${parsed.error.issues[0]?.message ?? "unknown"}`),
    };
  if (!Number.isInteger(seed))
    return { ok: false, error: gameError("action/invalid", "The seed must be a whole number.") };
  return {
    ok: true,
    value: {
      version: 0,
      seed,
      settings: parsed.data,
      deck,
      phase: "lobby",
      paused: false,
      round: 0,
      seats: {},
      seatOrder: [],
      teams: {},
      teamOrder: [],
      deals: [],
      finalScores: null,
    },
  };
}

/** Parse then apply: for input that has not been validated yet. */
export function applyUnknown(state: GameState, input: unknown): ApplyResult {
  const parsed = GameCommand.safeParse(input);
  if (!parsed.success)
    return fail("action/invalid", `Invalid command: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  return applyCommand(state, parsed.data);
}

export function applyCommand(state: GameState, command: GameCommand): ApplyResult {
  const result = dispatch(state, command);
  return result.ok ? { ok: true, state: { ...result.state, version: state.version + 1 } } : result;
}

function dispatch(state: GameState, command: GameCommand): ApplyResult {
  switch (command.type) {
    case "seat:add":
      return addSeat(state, command.seatId, command.name, command.bot);
    case "seat:remove":
      return removeSeat(state, command.seatId);
    case "seat:setBot":
      return setBot(state, command.seatId, command.bot);
    case "seat:assign":
      return assignSeat(state, command.seatId, command.teamId, command.roles);
    case "seat:takeOver":
      return takeOver(state, command.seatId, command.name);
    case "game:setBots":
      if (state.phase !== "lobby")
        return fail("game/already_started", "Bots fill empty roles when the game starts; it has started.");
      return {
        ok: true,
        state: { ...state, settings: { ...state.settings, fillWithBots: command.fillWithBots } },
      };
    case "game:start":
      return start(state);
    case "game:pause":
    case "game:resume":
      return pause(state, command.type === "game:pause");
    case "round:forceReveal":
      return force(state);
    case "round:timerExpired":
      if (command.round !== state.round)
        return fail("action/stale", `The timer of round ${command.round} is no longer running.`);
      if (state.paused) return fail("game/paused", "The game is paused; the timer is frozen.");
      return force(state);
    case "round:next":
      return nextRound(state);
    case "game:end":
      if (state.phase === "finished") return fail("game/finished", "The game is already over.");
      return { ok: true, state: finish(state) };
    default:
      return playerCommand(state, command);
  }
}

// ─── seats and teams ──────────────────────────────────────────────────────────

function nameTaken(state: GameState, name: string, except?: string): boolean {
  const wanted = name.toLocaleLowerCase();
  return state.seatOrder.some((id) => id !== except && state.seats[id]?.name.toLocaleLowerCase() === wanted);
}

function withSeat(state: GameState, seat: Seat): GameState {
  return { ...state, seats: { ...state.seats, [seat.id]: seat } };
}

/** Give the seats of a team their roles again (unpinned seats only in the lobby; pending seats later). */
function rebalanceTeam(state: GameState, teamId: string, pinned: ReadonlySet<string>): GameState {
  const seats = seatsOfTeam(state, teamId);
  const roles = balanceRoles(seats, pinned);
  let next = state;
  for (const seat of seats) {
    const wanted = roles.get(seat.id) ?? seat.roles;
    if (wanted.join() !== seat.roles.join()) next = withSeat(next, { ...seat, roles: wanted });
  }
  return next;
}

function smallestTeam(state: GameState): Team | undefined {
  let best: Team | undefined;
  let bestSize = Number.POSITIVE_INFINITY;
  for (const id of state.teamOrder) {
    const team = state.teams[id];
    if (!team) continue;
    const size = seatsOfTeam(state, id).length;
    if (size < bestSize) {
      best = team;
      bestSize = size;
    }
  }
  return best;
}

function addTeam(state: GameState): { state: GameState; team: Team } {
  // The first free number: a team that emptied in the lobby leaves its number to the next one.
  let index = 0;
  while (state.teams[newTeam(index).id]) index++;
  const team = newTeam(index);
  return {
    state: { ...state, teams: { ...state.teams, [team.id]: team }, teamOrder: [...state.teamOrder, team.id] },
    team,
  };
}

function pinnedInLobby(state: GameState, teamId: string): Set<string> {
  return new Set(
    seatsOfTeam(state, teamId)
      .filter((s) => s.pinned)
      .map((s) => s.id),
  );
}

/** Seats whose roles a rebalance keeps: in the lobby those the facilitator set; later every seat with roles. */
function pinnedSeats(state: GameState, teamId: string): Set<string> {
  if (state.phase === "lobby") return pinnedInLobby(state, teamId);
  return new Set(
    seatsOfTeam(state, teamId)
      .filter((s) => s.roles.length > 0)
      .map((s) => s.id),
  );
}

function addSeat(state: GameState, seatId: string, name: string, bot: BotStrategy | null): ApplyResult {
  if (state.phase === "finished") return fail("game/finished", "The game is over; nobody can join it now.");
  if (state.seats[seatId]) return fail("seat/exists", "That seat already exists.");
  if (nameTaken(state, name))
    return fail("seat/name_taken", `Someone here is already called "${name}". Pick another name.`);
  let next = state;
  let team = smallestTeam(next);
  if (state.phase === "lobby") {
    if (!team || seatsOfTeam(next, team.id).length >= state.settings.teamSize)
      ({ state: next, team } = addTeam(next));
  } else if (!team) {
    return fail("team/not_found", "There is no team to join.");
  }
  const seat: Seat = {
    id: seatId,
    name,
    teamId: team.id,
    roles: [],
    bot,
    pinned: false,
    selected: [],
    shown: [],
    locked: false,
  };
  next = { ...withSeat(next, seat), seatOrder: [...next.seatOrder, seatId] };
  // In the lobby roles follow the team as it fills up; later a newcomer waits for the next round.
  return {
    ok: true,
    state: state.phase === "lobby" ? rebalanceTeam(next, team.id, pinnedSeats(next, team.id)) : next,
  };
}

function removeSeat(state: GameState, seatId: string): ApplyResult {
  const seat = state.seats[seatId];
  if (!seat) return fail("seat/not_found", "That seat is not in this game.");
  const seats = { ...state.seats };
  delete seats[seatId];
  let next: GameState = { ...state, seats, seatOrder: state.seatOrder.filter((id) => id !== seatId) };
  if (seat.teamId) next = afterLeaving(next, seat.teamId, seat.roles);
  return { ok: true, state: maybeReveal(next) };
}

/**
 * A seat left a team (removed, or moved elsewhere). In the lobby the team's roles are balanced
 * again and an empty team disappears; during the game, roles nobody else covers go to the
 * teammate wearing the fewest hats.
 */
function afterLeaving(state: GameState, teamId: string, roles: readonly Role[]): GameState {
  const mates = seatsOfTeam(state, teamId);
  if (state.phase === "lobby") {
    const next = rebalanceTeam(state, teamId, pinnedSeats(state, teamId));
    return mates.length === 0 ? dropEmptyTeam(next, teamId) : next;
  }
  const covered = new Set(mates.flatMap((m) => m.roles));
  const orphaned = roles.filter((r) => !covered.has(r));
  const heir = mates.filter((m) => m.roles.length > 0).sort((a, b) => a.roles.length - b.roles.length)[0];
  if (orphaned.length === 0 || !heir) return state;
  return withSeat(state, {
    ...heir,
    roles: ROLES.filter((r) => heir.roles.includes(r) || orphaned.includes(r)),
  });
}

function dropEmptyTeam(state: GameState, teamId: string): GameState {
  const teams = { ...state.teams };
  delete teams[teamId];
  return { ...state, teams, teamOrder: state.teamOrder.filter((id) => id !== teamId) };
}

function setBot(state: GameState, seatId: string, bot: BotStrategy | null): ApplyResult {
  const seat = state.seats[seatId];
  if (!seat) return fail("seat/not_found", "That seat is not in this game.");
  if (state.phase === "finished") return fail("game/finished", "The game is over.");
  return { ok: true, state: withSeat(state, { ...seat, bot }) };
}

function takeOver(state: GameState, seatId: string, name: string): ApplyResult {
  const seat = state.seats[seatId];
  if (!seat) return fail("seat/not_found", "That seat is not in this game.");
  if (state.phase === "finished") return fail("game/finished", "The game is over.");
  if (nameTaken(state, name, seatId))
    return fail("seat/name_taken", `Someone here is already called "${name}". Pick another name.`);
  return { ok: true, state: withSeat(state, { ...seat, name, bot: null }) };
}

function assignSeat(
  state: GameState,
  seatId: string,
  teamId: string | undefined,
  roles: Role[] | undefined,
): ApplyResult {
  const seat = state.seats[seatId];
  if (!seat) return fail("seat/not_found", "That seat is not in this game.");
  if (state.phase === "finished") return fail("game/finished", "The game is over.");
  if (teamId !== undefined && !state.teams[teamId]) return fail("team/not_found", "There is no such team.");
  if (roles !== undefined && new Set(roles).size !== roles.length)
    return fail("seat/invalid_roles", "A role can only be listed once for a seat.");
  if (teamId === undefined && roles === undefined)
    return fail("action/invalid", "Say which team or which roles.");
  const fromTeam = seat.teamId;
  const toTeam = teamId ?? seat.teamId;
  const sorted = roles ? ROLES.filter((r) => roles.includes(r)) : undefined;
  // Changing team or roles mid-round takes the seat's choices back: its hand and budget change.
  const moved: Seat = {
    ...seat,
    teamId: toTeam,
    roles: sorted ?? (toTeam !== fromTeam ? [] : seat.roles),
    pinned: sorted ? true : toTeam !== fromTeam ? false : seat.pinned,
    selected: [],
    shown: [],
    locked: false,
  };
  let next = withSeat(state, moved);
  if (fromTeam && fromTeam !== toTeam) next = afterLeaving(next, fromTeam, seat.roles);
  // In the lobby the new team is balanced again; later only a seat that arrived without roles gets some.
  if (toTeam && (state.phase === "lobby" || moved.roles.length === 0))
    next = rebalanceTeam(next, toTeam, pinnedSeats(next, toTeam));
  return { ok: true, state: next };
}

// ─── the game's flow ──────────────────────────────────────────────────────────

const BOT_NAMES = ["Robin", "Sasha", "Kai", "Noor", "Jules", "Remy", "Ari", "Tam"];

function start(state: GameState): ApplyResult {
  if (state.phase !== "lobby") return fail("game/already_started", "The game has already started.");
  if (state.seatOrder.length === 0) return fail("game/no_seats", "Nobody has joined yet.");
  let next = state;
  let botCount = 0;
  for (const teamId of state.teamOrder) {
    let seats = seatsOfTeam(next, teamId);
    if (state.settings.fillWithBots) {
      while (seats.length < 4) {
        let name = "";
        do {
          name = `Bot ${BOT_NAMES[botCount % BOT_NAMES.length]}`;
          if (botCount >= BOT_NAMES.length) name += ` ${Math.floor(botCount / BOT_NAMES.length) + 1}`;
          botCount++;
        } while (nameTaken(next, name));
        let id = `bot-${teamId}-${seats.length + 1}`;
        while (next.seats[id]) id += "b";
        const bot: Seat = {
          id,
          name,
          teamId,
          roles: [],
          bot: state.settings.botStrategy,
          pinned: false,
          selected: [],
          shown: [],
          locked: false,
        };
        next = { ...withSeat(next, bot), seatOrder: [...next.seatOrder, id] };
        seats = seatsOfTeam(next, teamId);
      }
    }
    // People come first in seat order, so they get the first open roles and bots take the rest.
    next = rebalanceTeam(next, teamId, pinnedSeats(next, teamId));
  }
  const deals = dealRounds(state.deck, state.settings, state.seed);
  return { ok: true, state: { ...next, deals, phase: "reporting", round: 1 } };
}

function pause(state: GameState, paused: boolean): ApplyResult {
  if (state.phase === "lobby") return fail("game/not_started", "The game has not started yet.");
  if (state.phase === "finished") return fail("game/finished", "The game is over.");
  if (paused && state.paused) return fail("game/paused", "The game is already paused.");
  if (!paused && !state.paused) return fail("game/not_paused", "The game is not paused.");
  return { ok: true, state: { ...state, paused } };
}

/** The facilitator's force (or the timer): end the reporting decision, or reveal the round. */
function force(state: GameState): ApplyResult {
  if (state.phase === "reporting") {
    const teams = { ...state.teams };
    for (const id of state.teamOrder) {
      const team = teams[id];
      if (team && team.reportingDecidedFor !== state.round)
        teams[id] = { ...team, reportsTo: team.reportsTo ?? "product", reportingDecidedFor: state.round };
    }
    return { ok: true, state: { ...state, teams, phase: "planning" } };
  }
  if (state.phase === "planning") return { ok: true, state: reveal(state) };
  return fail("action/wrong_phase", "There is nothing to reveal right now.");
}

function activeSeats(state: GameState): Seat[] {
  const out: Seat[] = [];
  for (const id of state.seatOrder) {
    const seat = state.seats[id];
    if (seat?.teamId && seat.roles.length > 0) out.push(seat);
  }
  return out;
}

function maybeReveal(state: GameState): GameState {
  if (state.phase !== "planning") return state;
  const seats = activeSeats(state);
  return seats.length > 0 && seats.every((s) => s.locked) ? reveal(state) : state;
}

function maybeBeginPlanning(state: GameState): GameState {
  if (state.phase !== "reporting") return state;
  const waiting = state.teamOrder.some((id) => {
    const team = state.teams[id];
    return team && seatsOfTeam(state, id).length > 0 && team.reportingDecidedFor !== state.round;
  });
  return waiting ? state : { ...state, phase: "planning" };
}

/** Reveal: every team's choices count (locked or not) and are scored. */
function reveal(state: GameState): GameState {
  const index = indexDeck(state.deck);
  const teams = { ...state.teams };
  const seats = { ...state.seats };
  for (const teamId of state.teamOrder) {
    const team = teams[teamId];
    const ctx = roundContext(state, teamId);
    const teamSeats = seatsOfTeam(state, teamId);
    // A team whose seats have all left is not scored: it has no one to cover anything.
    if (!team || !ctx || !teamSeats.some((s) => s.roles.length > 0)) continue;
    const reportsTo = team.reportsTo ?? "product";
    const plays: Play[] = [];
    const invested: Team["investments"] = [];
    for (const seat of teamSeats) {
      plays.push(...playsOf(state, seat));
      for (const cardId of seat.selected) {
        const card = index.cards.get(cardId);
        if (card?.investment)
          invested.push({
            cardId,
            seatId: seat.id,
            seatName: seat.name,
            playedRound: state.round,
            duty: card.investment.duty,
            points: card.investment.points,
            roundsLeft: card.investment.rounds,
          });
      }
    }
    const score = scoreRound(ctx, plays, reportsTo);
    const investments = [
      ...team.investments
        .map((inv) => ({ ...inv, roundsLeft: inv.roundsLeft - 1 }))
        .filter((inv) => inv.roundsLeft > 0),
      ...invested,
    ];
    teams[teamId] = {
      ...team,
      meters: score.metersAfter,
      investments,
      roundScores: [...team.roundScores, score],
      total: team.total + score.score,
    };
  }
  for (const seat of activeSeats(state)) seats[seat.id] = { ...seat, locked: true };
  return { ...state, teams, seats, phase: "revealed" };
}

function nextRound(state: GameState): ApplyResult {
  if (state.phase !== "revealed")
    return fail("action/wrong_phase", "The next round starts after the reveal.");
  if (state.round >= state.settings.rounds) return { ok: true, state: finish(state) };
  const round = state.round + 1;
  const seats = { ...state.seats };
  for (const id of state.seatOrder) {
    const seat = seats[id];
    // A list that is already empty stays the same object: views that show it need not change.
    if (seat)
      seats[id] = {
        ...seat,
        selected: seat.selected.length > 0 ? [] : seat.selected,
        shown: seat.shown.length > 0 ? [] : seat.shown,
        locked: false,
      };
  }
  let next: GameState = {
    ...state,
    seats,
    round,
    phase: round === midGameRound(state.settings.rounds) ? "reporting" : "planning",
  };
  // Seats that joined during the last round get their roles now.
  for (const teamId of state.teamOrder) {
    if (seatsOfTeam(next, teamId).some((s) => s.roles.length === 0))
      next = rebalanceTeam(next, teamId, pinnedSeats(next, teamId));
  }
  return { ok: true, state: next };
}

function finish(state: GameState): GameState {
  const finalScores: Record<string, number> = {};
  for (const id of state.teamOrder) {
    const team = state.teams[id];
    if (team) finalScores[id] = finalScore(team);
  }
  return { ...state, phase: "finished", paused: false, finalScores };
}

// ─── player commands ──────────────────────────────────────────────────────────

type PlayerCommand = Extract<
  GameCommand,
  {
    type:
      | "team:chooseReporting"
      | "card:select"
      | "card:unselect"
      | "card:show"
      | "seat:lockIn"
      | "seat:unlock";
  }
>;

/** A player command is stale only if the round (or phase) it names is not the current one. */
function staleness(
  state: GameState,
  round: number | undefined,
  phase: string | undefined,
): ApplyResult | null {
  if (round === undefined) return null;
  if (round > state.round)
    return fail("action/stale", `Round ${round} has not started yet; this is round ${state.round}.`);
  if (round < state.round || (phase !== undefined && phase !== state.phase))
    return fail(
      "action/stale",
      `That was meant for ${phase ? `the ${phase} of ` : ""}round ${round}, which has ended.`,
    );
  return null;
}

function playerCommand(state: GameState, command: PlayerCommand): ApplyResult {
  const seat = state.seats[command.seatId];
  if (!seat) return fail("seat/not_found", "That seat is not in this game.");
  const stale = staleness(state, command.round, command.phase);
  if (stale) return stale;
  if (state.phase === "lobby") return fail("game/not_started", "The game has not started yet.");
  if (state.phase === "finished") return fail("game/finished", "The game is over.");
  if (state.paused) return fail("game/paused", "The facilitator has paused the game.");
  if (!seat.teamId || seat.roles.length === 0)
    return fail("seat/no_team", "This seat has no team or role yet; it joins at the next round.");
  switch (command.type) {
    case "team:chooseReporting": {
      if (state.phase !== "reporting")
        return fail(
          "action/wrong_phase",
          "Where Community reports is decided before round 1 and at the mid-game review.",
        );
      const team = state.teams[seat.teamId];
      if (!team) return fail("team/not_found", "There is no such team.");
      const teams = {
        ...state.teams,
        [team.id]: { ...team, reportsTo: command.side, reportingDecidedFor: state.round },
      };
      return { ok: true, state: maybeBeginPlanning({ ...state, teams }) };
    }
    case "card:select": {
      const problem = selectProblem(state, seat.id, command.cardId);
      if (problem) return { ok: false, error: problem };
      return { ok: true, state: withSeat(state, { ...seat, selected: [...seat.selected, command.cardId] }) };
    }
    case "card:unselect": {
      if (state.phase !== "planning")
        return fail("action/wrong_phase", "Cards can only be changed while the round is planned.");
      if (seat.locked) return fail("action/locked", "You have locked in; unlock first to change your cards.");
      if (!seat.selected.includes(command.cardId))
        return fail("action/not_selected", "That card is not chosen.");
      return {
        ok: true,
        state: withSeat(state, { ...seat, selected: seat.selected.filter((id) => id !== command.cardId) }),
      };
    }
    case "card:show": {
      if (state.phase !== "planning")
        return fail("action/wrong_phase", "Cards can only be shown while the round is planned.");
      if (!handOf(state, seat).includes(command.cardId))
        return fail("action/card_not_in_hand", "That card is not in your hand this round.");
      if (seat.shown.includes(command.cardId))
        return fail("action/already_shown", "Your team can already see that card.");
      return { ok: true, state: withSeat(state, { ...seat, shown: [...seat.shown, command.cardId] }) };
    }
    case "seat:lockIn": {
      if (state.phase !== "planning")
        return fail("action/wrong_phase", "You can lock in while the round is planned.");
      if (seat.locked) return fail("action/locked", "You have already locked in.");
      return { ok: true, state: maybeReveal(withSeat(state, { ...seat, locked: true })) };
    }
    case "seat:unlock": {
      if (state.phase !== "planning")
        return fail("action/wrong_phase", "You can unlock while the round is planned.");
      if (!seat.locked) return fail("action/not_locked", "You have not locked in.");
      return { ok: true, state: withSeat(state, { ...seat, locked: false }) };
    }
  }
}
