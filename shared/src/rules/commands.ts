/**
 * Everything that changes a game is one of these commands: player actions, facilitator commands,
 * bot moves and timer expiries alike. A game is its seed, settings, deck and the list of commands
 * applied to it; replaying that list gives the same game.
 */
import { z } from "zod";
import { CardId, SeatId, TeamId } from "./state";
import { BotStrategy, ReportingSide, Role } from "./vocabulary";

const SeatName = z
  .string()
  .transform((s) => s.trim().replace(/\s+/g, " "))
  .pipe(z.string().min(1, "a name cannot be empty").max(24, "a name is at most 24 characters"));

/**
 * The round (0 in the lobby) and phase a player command was meant for: when given and not the
 * current one, the command is stale. Nothing else makes a command stale, so teammates acting at
 * the same moment never refuse each other.
 */
const ForRound = z.number().int().min(0).max(12).optional();
const ForPhase = z.enum(["reporting", "planning"]).optional();

export const GameCommand = z.discriminatedUnion("type", [
  // Seats and teams (lobby, or later for a seat taking over)
  z
    .object({
      type: z.literal("seat:add"),
      seatId: SeatId,
      name: SeatName,
      bot: BotStrategy.nullable().default(null),
    })
    .strict(),
  z.object({ type: z.literal("seat:remove"), seatId: SeatId }).strict(),
  z.object({ type: z.literal("seat:setBot"), seatId: SeatId, bot: BotStrategy.nullable() }).strict(),
  // A person takes over a bot's seat (or an away seat) under their own name; it keeps the seat's cards.
  z.object({ type: z.literal("seat:takeOver"), seatId: SeatId, name: SeatName }).strict(),
  z
    .object({
      type: z.literal("seat:assign"),
      seatId: SeatId,
      teamId: TeamId.optional(),
      roles: z.array(Role).min(1).max(4).optional(),
    })
    .strict(),
  // Facilitator
  z.object({ type: z.literal("game:setBots"), fillWithBots: z.boolean() }).strict(),
  z.object({ type: z.literal("game:start") }).strict(),
  z.object({ type: z.literal("game:pause") }).strict(),
  z.object({ type: z.literal("game:resume") }).strict(),
  z.object({ type: z.literal("round:forceReveal") }).strict(),
  z.object({ type: z.literal("round:next") }).strict(),
  z.object({ type: z.literal("game:end") }).strict(),
  // The round timer ran out (sent by the server's timer, never by a person)
  z.object({ type: z.literal("round:timerExpired"), round: z.number().int().min(1).max(12) }).strict(),
  // Players (and bots, through the same commands)
  z
    .object({
      type: z.literal("team:chooseReporting"),
      seatId: SeatId,
      side: ReportingSide,
      round: ForRound,
      phase: ForPhase,
    })
    .strict(),
  z
    .object({
      type: z.literal("card:select"),
      seatId: SeatId,
      cardId: CardId,
      round: ForRound,
      phase: ForPhase,
    })
    .strict(),
  z
    .object({
      type: z.literal("card:unselect"),
      seatId: SeatId,
      cardId: CardId,
      round: ForRound,
      phase: ForPhase,
    })
    .strict(),
  z
    .object({
      type: z.literal("card:show"),
      seatId: SeatId,
      cardId: CardId,
      round: ForRound,
      phase: ForPhase,
    })
    .strict(),
  z.object({ type: z.literal("seat:lockIn"), seatId: SeatId, round: ForRound, phase: ForPhase }).strict(),
  z.object({ type: z.literal("seat:unlock"), seatId: SeatId, round: ForRound, phase: ForPhase }).strict(),
]);
export type GameCommand = z.infer<typeof GameCommand>;
export type GameCommandInput = z.input<typeof GameCommand>;
export type GameCommandType = GameCommand["type"];

/** Commands a seat sends for itself; the server checks the seat belongs to the sender. */
export const PLAYER_COMMANDS = [
  "team:chooseReporting",
  "card:select",
  "card:unselect",
  "card:show",
  "seat:lockIn",
  "seat:unlock",
] as const satisfies readonly GameCommandType[];

export function isPlayerCommand(
  command: GameCommand,
): command is Extract<GameCommand, { type: (typeof PLAYER_COMMANDS)[number] }> {
  return (PLAYER_COMMANDS as readonly string[]).includes(command.type);
}
