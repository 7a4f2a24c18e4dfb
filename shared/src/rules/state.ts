/**
 * The whole state of one game. It is plain data: the engine returns a new state for every
 * accepted command and never mutates the one it was given.
 */
import { z } from "zod";
import { BotStrategy, Deck, Duty, GameSettings, ReportingSide, Role } from "./vocabulary";

/**
 * Ids are keys of plain objects in the state, so names that every object already has
 * (`__proto__`, `constructor`, `toString`…) are refused: they would look like existing seats.
 */
const Key = z
  .string()
  .min(1)
  .max(40)
  .refine((id) => !(id in Object.prototype), "that id is reserved");
export const SeatId = Key;
export type SeatId = z.infer<typeof SeatId>;
export const TeamId = Key;
export type TeamId = z.infer<typeof TeamId>;
export const CardId = Key;
export type CardId = z.infer<typeof CardId>;

export const Phase = z.enum(["lobby", "reporting", "planning", "revealed", "finished"]);
export type Phase = z.infer<typeof Phase>;

/** Meters run 0–100 and start at 50. Each follows one duty. */
export const Meters = z.object({
  trust: z.number().min(0).max(100).describe("customer trust: follows advocacy"),
  awareness: z.number().min(0).max(100).describe("market awareness: follows outbound"),
  fit: z.number().min(0).max(100).describe("product fit: follows inbound"),
});
export type Meters = z.infer<typeof Meters>;
export type MeterName = keyof Meters;

export const Seat = z.object({
  id: SeatId,
  name: z.string(),
  teamId: TeamId.nullable(),
  roles: z.array(Role),
  bot: BotStrategy.nullable(),
  /** Roles set by the facilitator: automatic balancing leaves them alone. */
  pinned: z.boolean(),
  /** Cards chosen this round, in the order they were chosen. */
  selected: z.array(CardId),
  /** Cards this seat showed to its team this round (a logged statement, not a play). */
  shown: z.array(CardId),
  locked: z.boolean(),
});
export type Seat = z.infer<typeof Seat>;

export const ActiveInvestment = z.object({
  cardId: CardId,
  seatId: SeatId,
  seatName: z.string(),
  playedRound: z.number().int(),
  duty: Duty,
  points: z.number().int(),
  roundsLeft: z.number().int(),
});
export type ActiveInvestment = z.infer<typeof ActiveInvestment>;

/** One line of a score's rationale: every point on screen can be traced to one of these. */
export const RationaleLine = z.object({
  kind: z.enum(["card", "handoff", "investment", "twist", "breadth", "waste", "gap", "meter", "demand"]),
  duty: Duty.nullable(),
  /** Duty points (card, hand-off, investment, twist, gap) or score points (waste, hand-off bonus). */
  points: z.number(),
  seatId: SeatId.nullable(),
  cardId: CardId.nullable(),
  text: z.string(),
});
export type RationaleLine = z.infer<typeof RationaleLine>;

export const DutyFigures = z.object({ outbound: z.number(), inbound: z.number(), advocacy: z.number() });
export type DutyFigures = z.infer<typeof DutyFigures>;

export const Play = z.object({ seatId: SeatId, cardId: CardId, cost: z.number().int() });
export type Play = z.infer<typeof Play>;

export const RoundScore = z.object({
  round: z.number().int(),
  teamId: TeamId,
  scenarioId: z.string(),
  reportsTo: ReportingSide,
  plays: z.array(Play),
  demand: DutyFigures,
  supply: DutyFigures,
  coverage: DutyFigures,
  breadthFactor: z.number(),
  handoffs: z.array(z.object({ id: z.string(), title: z.string(), bonus: z.number() })),
  waste: z.number(),
  score: z.number().int(),
  metersAfter: Meters,
  lines: z.array(RationaleLine),
});
export type RoundScore = z.infer<typeof RoundScore>;

export const Team = z.object({
  id: TeamId,
  name: z.string(),
  /** null until the team has decided; the decision holds until the mid-game review. */
  reportsTo: ReportingSide.nullable(),
  /** The round whose reporting decision this team has made (0 = none yet). */
  reportingDecidedFor: z.number().int(),
  meters: Meters,
  investments: z.array(ActiveInvestment),
  roundScores: z.array(RoundScore),
  total: z.number().int(),
});
export type Team = z.infer<typeof Team>;

/** What every team is dealt in one round: the same scenario and the same hand per role. */
export const RoundDeal = z.object({
  scenarioId: z.string(),
  hands: z.object({
    pm: z.array(CardId),
    pmm: z.array(CardId),
    cm: z.array(CardId),
    support: z.array(CardId),
  }),
});
export type RoundDeal = z.infer<typeof RoundDeal>;

export const GameState = z.object({
  /** Number of commands applied so far. */
  version: z.number().int(),
  seed: z.number().int(),
  settings: GameSettings,
  deck: Deck,
  phase: Phase,
  paused: z.boolean(),
  /** 0 in the lobby, then the current round (1-based). */
  round: z.number().int(),
  seats: z.record(SeatId, Seat),
  seatOrder: z.array(SeatId),
  teams: z.record(TeamId, Team),
  teamOrder: z.array(TeamId),
  /** Dealt at start for every round, from the seed. */
  deals: z.array(RoundDeal),
  /** Final score per team once the game is finished (round totals plus the meter bonus). */
  finalScores: z.record(TeamId, z.number().int()).nullable(),
});
export type GameState = z.infer<typeof GameState>;
