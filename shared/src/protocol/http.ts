/**
 * The HTTP side: creating a room (with the built-in deck or a custom deck file up to 256 KB),
 * checking a deck before creating anything, and the health check.
 */
import { z } from "zod";
import { RoomSettings } from "./settings";

export { MAX_DECK_BYTES } from "./limits";

export const CreateRoomRequest = z
  .object({
    settings: RoomSettings.default(RoomSettings.parse({})),
    /** A deck file's content; absent for the built-in deck. Checked with `checkDeck`. */
    deck: z.unknown().optional(),
  })
  .strict();
export type CreateRoomRequest = z.input<typeof CreateRoomRequest>;

export const RoomLinks = z
  .object({
    join: z.string(),
    facilitator: z.string(),
    host: z.string(),
    /** The same links on the machine's LAN address, when the request came to a loopback address. */
    lanJoin: z.string().nullable(),
    lanFacilitator: z.string().nullable(),
  })
  .strict();

export const CreateRoomResponse = z
  .object({
    code: z.string(),
    facilitatorToken: z.string(),
    links: RoomLinks,
    deck: z.object({ name: z.string(), summary: z.string() }).strict(),
    settings: RoomSettings,
  })
  .strict();
export type CreateRoomResponse = z.infer<typeof CreateRoomResponse>;

export const DeckProblemSchema = z.object({ path: z.string(), message: z.string() }).strict();

/** HTTP errors: the same `{ code, message }` as socket errors, with the deck's problems when it has some. */
export const HttpError = z
  .object({
    error: z
      .object({ code: z.string(), message: z.string(), problems: z.array(DeckProblemSchema).optional() })
      .strict(),
  })
  .strict();

export const DeckCheckResponse = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), summary: z.string() }).strict(),
  z.object({ ok: z.literal(false), problems: z.array(DeckProblemSchema) }).strict(),
]);

export const Health = z
  .object({
    status: z.literal("ok"),
    rooms: z.number().int(),
    connectedPlayers: z.number().int(),
    sockets: z.number().int(),
    uptimeSeconds: z.number(),
  })
  .strict();
