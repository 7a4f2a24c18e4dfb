/**
 * Every socket event, one zod schema each. Requests are named `domain:verb` and always carry an ack
 * callback, answered with `{ ok: true, data }` or `{ ok: false, error: { code, message } }`; pushes
 * from the server are named in the past tense. The server validates every payload with these
 * schemas (strict: unknown keys are refused) before anything else happens.
 */
import { z } from "zod";
import { CardId, SeatId, TeamId } from "../rules/state";
import { BotStrategy, ReportingSide, Role } from "../rules/vocabulary";
import { ackSchema } from "./errors";
import { RoomCode } from "./settings";
import { RoomView } from "./views";

/** One operation of a view patch (see patch.ts): a path into the view and the new value there. */
export const PatchOpSchema = z
  .object({
    p: z.array(z.union([z.string(), z.number().int().min(0)])),
    v: z.unknown().optional(),
  })
  .strict();

/** Made by the client for every action; sending the same id again is answered with the first ack. */
export const ActionId = z
  .string()
  .min(8, "an action id has at least 8 characters")
  .max(64, "an action id has at most 64 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "an action id is letters, digits, - and _");

export const Token = z.string().min(16).max(128);

/** A display name: 1–24 characters after trimming; any script; shown as text, never as HTML. */
export const DisplayName = z
  .string()
  .max(200, "a name is at most 24 characters")
  .transform((s) => s.trim().replace(/\s+/g, " "))
  .pipe(z.string().min(1, "type your name").max(24, "a name is at most 24 characters"));

// ─── joining and watching ─────────────────────────────────────────────────────

export const JoinRequest = z.object({ code: RoomCode, name: DisplayName, actionId: ActionId }).strict();
export const RejoinRequest = z
  .object({ code: RoomCode, seatToken: Token, lastVersion: z.number().int().min(0).optional() })
  .strict();
export const WatchRequest = z.object({ code: RoomCode }).strict();
export const FacilitateRequest = z.object({ code: RoomCode, facilitatorToken: Token }).strict();
export const EmptyRequest = z.object({}).strict();
export const LeaveRequest = z.object({ actionId: ActionId }).strict();

/** What a socket gets when it attaches to a room (and on `room:sync`). */
export const Session = z
  .object({
    code: z.string(),
    viewer: z.enum(["seat", "host", "facilitator"]),
    seatId: z.string().nullable(),
    view: RoomView,
    /** Seats whose person has been gone for 10 s or more. */
    away: z.array(z.string()),
    /** The server's clock (ms since the epoch) when this was sent, to count timers down. */
    serverTime: z.number(),
  })
  .strict();
export type Session = z.infer<typeof Session>;

export const JoinAck = z.object({ seatId: z.string(), seatToken: Token, session: Session }).strict();
export const SessionAck = z.object({ session: Session }).strict();
export const ActionAck = z.object({ version: z.number().int() }).strict();
export const HandOverAck = z.object({ seatId: z.string(), seatToken: Token, link: z.string() }).strict();

// ─── a player's actions (for their own seat) ──────────────────────────────────

/**
 * Every player action names the round (and may name the phase) it was meant for: it is stale,
 * and refused with `action/stale`, only when that round or phase has ended. `seatId`, when given,
 * must be the socket's own seat.
 */
const PlayerBase = {
  actionId: ActionId,
  /** 0 in the lobby. */
  round: z.number().int().min(0).max(12),
  phase: z.enum(["reporting", "planning"]).optional(),
  seatId: SeatId.optional(),
};

export const PLAYER_REQUESTS = {
  "team:chooseReporting": z.object({ ...PlayerBase, side: ReportingSide }).strict(),
  "card:select": z.object({ ...PlayerBase, cardId: CardId }).strict(),
  "card:unselect": z.object({ ...PlayerBase, cardId: CardId }).strict(),
  "card:show": z.object({ ...PlayerBase, cardId: CardId }).strict(),
  "seat:lockIn": z.object(PlayerBase).strict(),
  "seat:unlock": z.object(PlayerBase).strict(),
} as const;
export type PlayerRequestName = keyof typeof PLAYER_REQUESTS;

// ─── the facilitator's controls (need a socket attached with the facilitator token) ──

const Facilitator = { actionId: ActionId };
export const FACILITATOR_REQUESTS = {
  "game:start": z.object(Facilitator).strict(),
  "game:pause": z.object(Facilitator).strict(),
  "game:resume": z.object(Facilitator).strict(),
  "round:forceReveal": z.object(Facilitator).strict(),
  "round:next": z.object(Facilitator).strict(),
  "game:end": z.object(Facilitator).strict(),
  "game:setBots": z.object({ ...Facilitator, fillWithBots: z.boolean() }).strict(),
  "seat:assign": z
    .object({
      ...Facilitator,
      seatId: SeatId,
      teamId: TeamId.optional(),
      roles: z.array(Role).min(1, "a seat needs at least one role").max(4).optional(),
    })
    .strict(),
  "seat:remove": z.object({ ...Facilitator, seatId: SeatId }).strict(),
  "seat:setBot": z.object({ ...Facilitator, seatId: SeatId, bot: BotStrategy.nullable() }).strict(),
  /** A new token for the seat (for another device); the old one stops working at once. */
  "seat:handOver": z.object({ ...Facilitator, seatId: SeatId }).strict(),
} as const;
export type FacilitatorRequestName = keyof typeof FACILITATOR_REQUESTS;

export const SESSION_REQUESTS = {
  "room:join": JoinRequest,
  "room:rejoin": RejoinRequest,
  "room:watch": WatchRequest,
  "room:facilitate": FacilitateRequest,
  "room:sync": EmptyRequest,
  "room:leave": LeaveRequest,
} as const;
export type SessionRequestName = keyof typeof SESSION_REQUESTS;

/** Every request a client may send, by event name. */
export const REQUESTS = { ...SESSION_REQUESTS, ...PLAYER_REQUESTS, ...FACILITATOR_REQUESTS } as const;
export type RequestName = keyof typeof REQUESTS;
export type RequestPayload<E extends RequestName> = z.input<(typeof REQUESTS)[E]>;

function actionAcks<K extends string>(names: readonly K[]): Record<K, z.ZodType> {
  const out = {} as Record<K, z.ZodType>;
  for (const name of names) out[name] = ActionAck;
  return out;
}

/** The data of a successful ack, by request. */
export const ACK_DATA: Record<RequestName, z.ZodType> = {
  ...actionAcks(Object.keys(PLAYER_REQUESTS) as PlayerRequestName[]),
  ...actionAcks(Object.keys(FACILITATOR_REQUESTS) as FacilitatorRequestName[]),
  "seat:handOver": HandOverAck,
  "room:join": JoinAck,
  "room:rejoin": JoinAck.omit({ seatToken: true }),
  "room:watch": SessionAck,
  "room:facilitate": SessionAck,
  "room:sync": SessionAck,
  "room:leave": z.object({}).strict(),
};

export function ackSchemaFor(name: RequestName) {
  return ackSchema(ACK_DATA[name]);
}

export type AckData<E extends RequestName> = E extends "room:join"
  ? z.infer<typeof JoinAck>
  : E extends "room:rejoin"
    ? Omit<z.infer<typeof JoinAck>, "seatToken">
    : E extends "room:watch" | "room:facilitate" | "room:sync"
      ? z.infer<typeof SessionAck>
      : E extends "room:leave"
        ? Record<string, never>
        : E extends "seat:handOver"
          ? z.infer<typeof HandOverAck>
          : z.infer<typeof ActionAck>;

// ─── pushes from the server ───────────────────────────────────────────────────

export const PUSHES = {
  /** The socket's whole view, replacing what it had: sent when socket.io restored a dropped connection. */
  "view:replaced": z.object({ version: z.number().int(), view: RoomView }).strict(),
  /** What changed in the socket's view since `base`, the version of the last view it was sent. */
  "view:patched": z
    .object({ base: z.number().int(), version: z.number().int(), ops: z.array(PatchOpSchema) })
    .strict(),
  /** Seats whose person has been gone 10 s or more (the whole list, each time it changes). */
  "presence:changed": z.object({ away: z.array(z.string()) }).strict(),
  /** This socket no longer holds its seat or room: handed to another device, removed, or the room deleted. */
  "session:ended": z
    .object({ code: z.enum(["seat/replaced", "seat/removed", "room/deleted"]), message: z.string() })
    .strict(),
} as const;
export type PushName = keyof typeof PUSHES;
export type PushPayload<E extends PushName> = z.infer<(typeof PUSHES)[E]>;
