/**
 * What a facilitator chooses when creating a room. The game's own settings (rounds, team size,
 * bots) go to the rules engine; the clock settings (round timer, auto-advance) belong to the room,
 * because the engine never reads a clock.
 */
import { z } from "zod";
import { BotStrategy } from "../rules/vocabulary";

export const RoomSettings = z
  .object({
    rounds: z.number().int().min(1).max(12).default(5),
    /** Seconds for each round's planning; null means no timer (the facilitator reveals). */
    timerSeconds: z.number().int().min(30).max(600).nullable().default(120),
    teamSize: z.number().int().min(1).max(8).default(4),
    fillWithBots: z.boolean().default(true),
    botStrategy: BotStrategy.default("coordinated"),
    /** Start the next round by itself this many seconds after a reveal; null waits for the facilitator. */
    autoAdvanceSeconds: z.number().int().min(5).max(300).nullable().default(null),
  })
  .strict();
export type RoomSettings = z.infer<typeof RoomSettings>;
export type RoomSettingsInput = z.input<typeof RoomSettings>;

/** 5 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B). */
export const ROOM_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";
export const ROOM_CODE_LENGTH = 5;
/** What a person types as a room code: any case, spaces around it ignored. Unknown codes are `room/not_found`. */
export const RoomCode = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().min(1, "type the room code").max(16, "a room code is 5 characters"));
