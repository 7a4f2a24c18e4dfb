/**
 * What the server sends each socket: its own `RoomView`. The `game` part is the same for everyone in
 * the room (no hands, no choices before the reveal); `me` is the seat's own part, null for the host,
 * spectators and the facilitator. The shapes are those of `viewFor` in the rules; a test keeps the
 * two in step.
 */
import { z } from "zod";
import { Phase, RoundScore } from "../rules/state";
import { ActionCard, Investment, ReportingSide, Role, ScenarioCard } from "../rules/vocabulary";
import { RoomSettings } from "./settings";

const ErrorValue = z.object({ code: z.string(), message: z.string() }).strict();

export const CardViewSchema = z
  .object({
    id: z.string(),
    role: Role,
    title: z.string(),
    text: z.string(),
    points: ActionCard.shape.points,
    investment: Investment.nullable(),
    cost: z.number().int(),
    offRole: z.boolean(),
    problem: ErrorValue.nullable(),
    takenBy: z.string().nullable(),
    handoffs: z.array(z.object({ id: z.string(), title: z.string(), partner: z.string() }).strict()),
  })
  .strict();

export const SeatSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(Role),
    bot: z.boolean(),
    locked: z.boolean(),
    waiting: z.boolean(),
  })
  .strict();

export const TeamViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    reportsTo: ReportingSide.nullable(),
    reportingDecided: z.boolean(),
    meters: z.object({ trust: z.number(), awareness: z.number(), fit: z.number() }).strict(),
    total: z.number(),
    seats: z.array(SeatSummarySchema),
    roundScores: z.array(RoundScore),
  })
  .strict();

export const SeatOwnViewSchema = z
  .object({
    seatId: z.string(),
    name: z.string(),
    teamId: z.string().nullable(),
    roles: z.array(Role),
    locked: z.boolean(),
    hand: z.array(CardViewSchema),
    selected: z.array(z.string()),
    shown: z.array(z.string()),
    energy: z.object({ budget: z.number(), spent: z.number(), left: z.number() }).strict(),
    /** Per teammate, in seat order: what it showed and a bot's plan (its name and state are on the board). */
    teammates: z.array(
      z.object({ id: z.string(), shown: z.array(CardViewSchema), planned: z.array(CardViewSchema) }).strict(),
    ),
  })
  .strict();

/** The board everyone in a room sees. */
export const PublicGameView = z
  .object({
    phase: Phase,
    paused: z.boolean(),
    round: z.number().int(),
    rounds: z.number().int(),
    midGameRound: z.number().int(),
    scenario: ScenarioCard.nullable(),
    teams: z.array(TeamViewSchema),
    leaderboard: z.array(
      z
        .object({ teamId: z.string(), name: z.string(), total: z.number(), final: z.number().nullable() })
        .strict(),
    ),
  })
  .strict();
export type PublicGameView = z.infer<typeof PublicGameView>;

/** A running or frozen countdown: the round's planning timer, or the pause before the next round. */
export const TimerView = z
  .object({
    kind: z.enum(["round", "advance"]),
    round: z.number().int(),
    durationMs: z.number().int(),
    /** Server time (ms since the epoch) when it runs out; null while the game is paused. */
    endsAt: z.number().nullable(),
    /** Time left when the view was made; while paused, the time left when it resumes. */
    leftMs: z.number().int(),
  })
  .strict();
export type TimerView = z.infer<typeof TimerView>;

export const RoomInfo = z
  .object({
    code: z.string(),
    deckName: z.string(),
    settings: RoomSettings,
    timer: TimerView.nullable(),
    links: z.object({ join: z.string(), lanJoin: z.string().nullable() }).strict(),
  })
  .strict();
export type RoomInfo = z.infer<typeof RoomInfo>;

export const ViewerKind = z.enum(["seat", "host", "facilitator"]);
export type ViewerKind = z.infer<typeof ViewerKind>;

export const RoomView = z
  .object({
    /** The room log's sequence number this view reflects. */
    version: z.number().int(),
    viewer: ViewerKind,
    room: RoomInfo,
    game: PublicGameView,
    me: SeatOwnViewSchema.nullable(),
  })
  .strict();
export type RoomView = z.infer<typeof RoomView>;
