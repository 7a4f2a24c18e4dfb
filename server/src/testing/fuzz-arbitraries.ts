/**
 * Fuzzed socket messages, shared by the hostile-input property tests (`server/src/fuzz.test.ts`)
 * and `npm run bench -- fuzz`. A message is an event name, its arguments, whether it carries an
 * ack callback, and the mutation that made it: a well-shaped payload with adversarial values, a
 * field of the wrong type, a missing field, an unknown key, `__proto__` / `constructor` keys, a huge
 * string, deep nesting, binary attachments, a payload that is not an object, the wrong number of
 * arguments, an unknown event name, or (for the bench) a message over the size limit.
 *
 * `expectedAnswer` is the oracle: what docs/PROTOCOL.md says the server answers, worked out from
 * the bytes socket.io would actually put on the wire (encoded and decoded with socket.io's own
 * parser, so `undefined` vanishing, binary attachments and dropped keys are exactly as the server
 * sees them) and the request schemas in `shared/src/protocol/events.ts`.
 */

import {
  type Ack,
  BotStrategy,
  type GameErrorCode,
  REQUESTS,
  type RequestName,
  ROLES,
  ROOM_CODE_ALPHABET,
  WIRE_ERROR_CODES,
} from "@boxless/shared";
import fc from "fast-check";
// socket.io's own packet codec (a dependency of socket.io and socket.io-client), used as the wire.
import { Decoder, Encoder, type Packet, PacketType } from "socket.io-parser";

/** How a message was made. */
export const MUTATIONS = [
  "valid",
  "wrong-value",
  "missing-field",
  "extra-key",
  "prototype-keys",
  "huge-string",
  "deep-nesting",
  "binary",
  "not-an-object",
  "arg-count",
  "unknown-event",
  "oversize",
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface FuzzMessage {
  event: string;
  /** The arguments before the ack callback. */
  args: unknown[];
  /** Whether an ack callback is attached. */
  ack: boolean;
  mutation: Mutation;
}

/** Real values to aim at, so that well-shaped payloads reach the rooms' rules, not just the schemas. */
export interface FuzzContext {
  codes: readonly string[];
  tokens: readonly string[];
  seatIds: readonly string[];
  teamIds: readonly string[];
  cardIds: readonly string[];
}

export const EMPTY_CONTEXT: FuzzContext = { codes: [], tokens: [], seatIds: [], teamIds: [], cardIds: [] };

/** The server's socket message limit (app.ts `maxHttpBufferSize`, docs: "socket message size 16 KB"). */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** Every code the rules engine can answer with (`GameErrorCode`), checked to be complete below. */
const GAME_ERROR_CODES = [
  "game/not_started",
  "game/already_started",
  "game/finished",
  "game/paused",
  "game/not_paused",
  "game/no_seats",
  "game/unknown_command",
  "seat/not_found",
  "seat/exists",
  "seat/name_taken",
  "seat/no_team",
  "seat/invalid_roles",
  "seat/is_bot",
  "team/not_found",
  "team/full",
  "action/wrong_phase",
  "action/stale",
  "action/card_not_in_hand",
  "action/card_taken",
  "action/already_selected",
  "action/not_selected",
  "action/already_shown",
  "action/not_enough_energy",
  "action/role_frozen",
  "action/locked",
  "action/not_locked",
  "action/invalid",
] as const satisfies readonly GameErrorCode[];
const everyGameCode: Exclude<GameErrorCode, (typeof GAME_ERROR_CODES)[number]> extends never ? true : false =
  true;
void everyGameCode;

/** Every error code a socket may be answered with: the wire's and the rules'. */
export const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set<string>([
  ...WIRE_ERROR_CODES,
  ...GAME_ERROR_CODES,
]);

/** Event names socket.io-client refuses to emit (it throws); a hand-made packet is needed for those. */
const CLIENT_RESERVED = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

// ─── values ───────────────────────────────────────────────────────────────────

const ID_CHARS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"];
const idString = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: min, maxLength: max });

/** An object with own keys that name Object.prototype members (as JSON.parse makes them). */
const PROTOTYPE_OBJECTS = [
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"__proto__":[]}',
  '{"__proto__":null}',
  '{"toString":"x","valueOf":{},"hasOwnProperty":1}',
  '{"prototype":{"polluted":true}}',
];
const prototypeObject = fc.constantFrom(...PROTOTYPE_OBJECTS).map((json) => JSON.parse(json) as unknown);

/** Keys every plain object has, as ids or keys. */
const RESERVED_NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];

/** Sets `key` as an own enumerable property, also when it is `__proto__`. */
function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const bytes = fc.uint8Array({ maxLength: 256 });
export const binaryValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  bytes.map((b) => Buffer.from(b)),
  bytes,
  bytes.map((b) => b.buffer),
);

/** A string of about 1–12 KB (under the message limit with the rest of a payload). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 1_000, max: 12_000 }))
  .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));

/** A string of 17–40 KB: one message over the server's limit. */
const oversizeString = fc.integer({ min: 17 * 1024, max: 40 * 1024 }).map((size) => "x".repeat(size));

/**
 * Objects or arrays nested 50–1,500 (objects) or 50–2,000 (arrays) levels deep, maybe with binary at
 * the bottom: far deeper than any real payload, and still within what socket.io-client can encode
 * (its binary check recurses; a few thousand levels more overflow the sender's own stack).
 */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.constantFrom("object", "array"),
    fc.integer({ min: 50, max: 2_000 }),
    fc.oneof(fc.constant("bottom"), fc.constant(null), binaryValue),
  )
  .map(([shape, depth, leaf]) => {
    let value: unknown = leaf;
    const levels = shape === "object" ? Math.min(depth, 1_500) : depth;
    for (let i = 0; i < levels; i++) value = shape === "object" ? { a: value } : [value];
    // fast-check prints counterexamples recursively; a symbol key (which JSON, socket.io and zod
    // all skip) gives it a short description instead of a stack overflow.
    Object.defineProperty(value as object, fc.toStringMethod, {
      value: () => `<${shape}s nested ${levels} deep>`,
      enumerable: false,
    });
    return value;
  });

/** A value of the wrong type or out of range for any field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, Number.NaN, Infinity, -0, 2 ** 53 + 2),
  },
  { weight: 3, arbitrary: fc.constantFrom("", " ", "\u0000", "null", "undefined", ...RESERVED_NAMES) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double() },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: prototypeObject },
  { weight: 1, arbitrary: binaryValue },
);

/** A well-typed value for each request field: real ids from the context, or made-up ones. */
function fieldValue(field: string, ctx: FuzzContext): fc.Arbitrary<unknown> {
  const real = (list: readonly string[], made: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    list.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...list) }, made) : made;
  const key = fc.oneof(
    idString(1, 40),
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !(s in Object.prototype)),
    fc.constantFrom("s1", "s2", "s3", "s4", "s9", "t1", "t2", "t3", "bot-t1-3", "pm-write-prd"),
  );
  switch (field) {
    case "code": {
      const made = fc.string({
        unit: fc.constantFrom(...ROOM_CODE_ALPHABET),
        minLength: 5,
        maxLength: 5,
      });
      const typed = ctx.codes.length
        ? fc
            .tuple(fc.constantFrom(...ctx.codes), fc.constantFrom("", " ", "  "), fc.boolean())
            .map(([code, pad, lower]) => `${pad}${lower ? code.toLowerCase() : code}${pad}`)
        : made;
      return fc.oneof(real(ctx.codes, made), typed, fc.string({ minLength: 1, maxLength: 16 }));
    }
    case "name":
      return fc.oneof(
        fc.string({ minLength: 1, maxLength: 24 }),
        fc.string({ unit: "binary", minLength: 1, maxLength: 24 }),
        fc.constantFrom(...RESERVED_NAMES, "<img src=x onerror=1>", "  Ann   \t Lee  ", "Zoë 🚀", "Player 1"),
      );
    case "actionId":
      return idString(8, 64);
    case "seatToken":
    case "facilitatorToken":
      return real(ctx.tokens, fc.oneof(idString(16, 128), fc.string({ minLength: 16, maxLength: 128 })));
    case "lastVersion":
      return fc.oneof(fc.nat(1_000), fc.constant(Number.MAX_SAFE_INTEGER));
    case "round":
      return fc.integer({ min: 0, max: 12 });
    case "phase":
      return fc.constantFrom("reporting", "planning");
    case "seatId":
      return real(ctx.seatIds, key);
    case "teamId":
      return real(ctx.teamIds, key);
    case "cardId":
      return real(ctx.cardIds, key);
    case "side":
      return fc.constantFrom("product", "marketing");
    case "fillWithBots":
      return fc.boolean();
    case "roles":
      return fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 4 });
    case "bot":
      return fc.constantFrom(...BotStrategy.options, null);
    default:
      throw new Error(`fuzz-arbitraries: no values for request field "${field}"; add them here`);
  }
}

interface Field {
  name: string;
  optional: boolean;
}

/** The fields of each request, read from its zod schema (so a new field cannot be forgotten). */
export const REQUEST_FIELDS: Record<RequestName, Field[]> = Object.fromEntries(
  REQUEST_NAMES.map((event) => {
    const shape = (
      REQUESTS[event] as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }
    ).shape;
    return [
      event,
      Object.keys(shape).map((name) => ({
        name,
        optional: shape[name]?.safeParse(undefined).success ?? false,
      })),
    ];
  }),
) as Record<RequestName, Field[]>;

/** A payload its request's schema accepts, with adversarial but well-typed values. */
export function validPayload(event: RequestName, ctx: FuzzContext): fc.Arbitrary<Record<string, unknown>> {
  const fields = REQUEST_FIELDS[event];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of fields) model[field.name] = fieldValue(field.name, ctx);
  return fc.record(model, {
    requiredKeys: fields.filter((f) => !f.optional).map((f) => f.name),
  }) as fc.Arbitrary<Record<string, unknown>>;
}

// ─── messages ─────────────────────────────────────────────────────────────────

const requestName = fc.constantFrom(...REQUEST_NAMES);

/** Event names that are not requests: made up, pushes, near misses and prototype members. */
export const unknownEventName: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "card:steal",
      "game:win",
      "view:patched",
      "view:replaced",
      "presence:changed",
      "session:ended",
      "room:JOIN",
      "room:join ",
      " room:join",
      "room:",
      ":",
      "",
      ...RESERVED_NAMES,
    ),
    requestName.map((name) => name.toUpperCase()),
    fc.integer({ min: 100, max: 4_000 }).map((n) => "e".repeat(n)),
  )
  .filter((name) => !CLIENT_RESERVED.has(name) && !Object.hasOwn(REQUESTS, name));

type Shape = { event: RequestName; payload: Record<string, unknown> };

/** A request with a payload its schema accepts (the arbitraries are built once per context). */
function withPayload(ctx: FuzzContext): fc.Arbitrary<Shape> {
  return fc.oneof(
    ...REQUEST_NAMES.map((event) => validPayload(event, ctx).map((payload): Shape => ({ event, payload }))),
  );
}

function replaceField(
  payload: Record<string, unknown>,
  pick: number,
  value: unknown,
): Record<string, unknown> {
  const keys = Object.keys(payload);
  const out = { ...payload };
  if (keys.length === 0) return withKey(out, "value", value);
  const key = keys[pick % keys.length] as string;
  out[key] = value;
  return out;
}

/**
 * One fuzzed message for every mutation but "valid" and "oversize" (well-shaped messages are
 * `wellShapedMessage`; over-the-limit ones `oversizeMessage`).
 */
export function hostileMessage(ctx: FuzzContext = EMPTY_CONTEXT): fc.Arbitrary<FuzzMessage> {
  const shaped = withPayload(ctx);
  const pick = fc.nat();
  const ack = fc.oneof(
    { weight: 6, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  );
  const one = (event: string, payload: unknown, mutation: Mutation) => ({ event, args: [payload], mutation });
  const mutated: fc.Arbitrary<Omit<FuzzMessage, "ack">> = fc.oneof(
    fc
      .tuple(shaped, pick, hostileValue)
      .map(([{ event, payload }, i, bad]) => one(event, replaceField(payload, i, bad), "wrong-value")),
    fc.tuple(shaped, pick).map(([{ event, payload }, i]) => {
      const required = REQUEST_FIELDS[event].filter((f) => !f.optional);
      if (required.length === 0) return one(event, withKey({}, "unexpected", i), "extra-key");
      const { [(required[i % required.length] as Field).name]: _gone, ...rest } = payload;
      return one(event, rest, "missing-field");
    }),
    fc
      .tuple(
        shaped,
        fc.oneof(
          fc.constantFrom(...RESERVED_NAMES, "admin", "seatId", "evil", ""),
          fc.string({ unit: "binary", maxLength: 20 }),
        ),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), prototypeObject),
      )
      .filter(([{ payload }, key]) => !Object.hasOwn(payload, key))
      .map(([{ event, payload }, key, value]) =>
        one(event, withKey({ ...payload }, key, value), "extra-key"),
      ),
    fc.tuple(shaped, prototypeObject).map(([{ event, payload }, proto]) => {
      const out: Record<string, unknown> = { ...payload };
      for (const key of Object.keys(proto as object))
        withKey(out, key, (proto as Record<string, unknown>)[key]);
      return one(event, out, "prototype-keys");
    }),
    fc
      .tuple(shaped, pick, hugeString, fc.boolean())
      .map(([{ event, payload }, i, big, asKey]) =>
        one(event, asKey ? withKey({ ...payload }, big, 1) : replaceField(payload, i, big), "huge-string"),
      ),
    fc
      .tuple(shaped, pick, deepValue, fc.boolean())
      .map(([{ event, payload }, i, deep, whole]) =>
        one(event, whole ? deep : replaceField(payload, i, deep), "deep-nesting"),
      ),
    fc
      .tuple(shaped, pick, binaryValue, fc.constantFrom("payload", "field", "extra"))
      .map(([{ event, payload }, i, bin, where]) =>
        where === "payload"
          ? one(event, bin, "binary")
          : where === "field"
            ? one(event, replaceField(payload, i, bin), "binary")
            : one(event, withKey({ ...payload }, "attachment", bin), "binary"),
      ),
    fc
      .tuple(
        requestName,
        fc.oneof(
          fc.constantFrom(null, undefined, 42, "{}", true, [], Number.NaN),
          fc.string({ maxLength: 30 }),
          fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }),
        ),
      )
      .map(([event, payload]) => one(event, payload, "not-an-object")),
    fc
      .tuple(
        shaped,
        fc.oneof(
          fc.constant([]),
          fc.array(fc.oneof(fc.jsonValue({ maxDepth: 1 }), binaryValue), { minLength: 1, maxLength: 3 }),
        ),
      )
      .map(([{ event, payload }, extra]) => ({
        event,
        args: extra.length === 0 ? [] : [payload, ...extra],
        mutation: "arg-count" as const,
      })),
    fc
      .tuple(
        unknownEventName,
        fc.oneof(
          shaped.map((s) => s.payload),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      )
      .map(([event, payload]) => one(event, payload, "unknown-event")),
  );
  return fc.tuple(mutated, ack).map(([message, withAck]) => ({ ...message, ack: withAck }));
}

/** A request its schema accepts, with adversarial values (unknown ids, other seats, wrong rounds…). */
export function wellShapedMessage(ctx: FuzzContext = EMPTY_CONTEXT): fc.Arbitrary<FuzzMessage> {
  return withPayload(ctx).map(({ event, payload }) => ({
    event,
    args: [payload],
    ack: true,
    mutation: "valid",
  }));
}

/** A message over the server's size limit (the connection is closed, nothing is answered). */
export function oversizeMessage(ctx: FuzzContext = EMPTY_CONTEXT): fc.Arbitrary<FuzzMessage> {
  return fc.tuple(withPayload(ctx), fc.nat(), oversizeString).map(([{ event, payload }, i, big]) => ({
    event,
    args: [replaceField(payload, i, big)],
    ack: true,
    mutation: "oversize" as const,
  }));
}

/** The bench's mix: mostly hostile, some well-shaped, a few over the size limit. */
export function anyMessage(ctx: FuzzContext = EMPTY_CONTEXT): fc.Arbitrary<FuzzMessage> {
  return fc.oneof(
    { weight: 16, arbitrary: hostileMessage(ctx) },
    { weight: 4, arbitrary: wellShapedMessage(ctx) },
    { weight: 1, arbitrary: oversizeMessage(ctx) },
  );
}

// ─── the oracle ───────────────────────────────────────────────────────────────

export type Expected =
  /** Over the size limit: the server closes the connection; no answer. */
  | { kind: "closed"; why: string }
  /** Within a few bytes of the limit (the ack id's length decides): either closed or answered. */
  | { kind: "borderline" }
  /** A request without an ack callback: ignored, nothing happens and nothing is sent back. */
  | { kind: "ignored" }
  /** Refused before it reaches a room, with exactly this code. */
  | { kind: "refused"; code: "request/unknown_event" | "request/invalid" }
  /** Well-formed: the room judges it (accepted, or refused with any known code). */
  | { kind: "judged"; event: RequestName; payload: unknown };

/** What the server receives for a message: socket.io's encoding and decoding, frame by frame. */
export function overTheWire(message: FuzzMessage): { data: unknown[]; frames: number[] } {
  const packet: Packet = {
    type: PacketType.EVENT,
    nsp: "/",
    data: [message.event, ...message.args],
    ...(message.ack ? { id: 12345 } : {}),
  };
  const encoded = new Encoder().encode(packet) as (string | Buffer | ArrayBuffer | Uint8Array)[];
  const frames = encoded.map((part) =>
    // engine.io puts "4" (a message) before a text frame; binary frames go as they are.
    typeof part === "string" ? Buffer.byteLength(part) + 1 : (part as ArrayBuffer).byteLength,
  );
  let decoded: Packet | null = null;
  const decoder = new Decoder();
  decoder.on("decoded", (p: Packet) => {
    decoded = p;
  });
  // The server receives every binary frame as a Buffer.
  for (const part of encoded)
    decoder.add(
      typeof part === "string" ? part : part instanceof ArrayBuffer ? Buffer.from(part) : Buffer.from(part),
    );
  decoder.destroy();
  if (!decoded) throw new Error("fuzz-arbitraries: the packet did not decode");
  return { data: (decoded as Packet).data as unknown[], frames };
}

/** What docs/PROTOCOL.md says the server does with this message (under the rate limit). */
export function expectedAnswer(message: FuzzMessage): Expected {
  let wire: { data: unknown[]; frames: number[] };
  try {
    wire = overTheWire(message);
  } catch (error) {
    return { kind: "closed", why: `not decodable: ${String(error)}` };
  }
  const biggest = Math.max(...wire.frames);
  // The ack id's digits are the only part not known here: allow a few bytes either way.
  if (biggest > MAX_MESSAGE_BYTES + 8) return { kind: "closed", why: `a ${biggest}-byte frame` };
  if (biggest > MAX_MESSAGE_BYTES - 8) return { kind: "borderline" };
  if (!message.ack) return { kind: "ignored" };
  const [name, ...rest] = wire.data;
  if (typeof name !== "string" || !Object.hasOwn(REQUESTS, name))
    return { kind: "refused", code: "request/unknown_event" };
  if (rest.length !== 1) return { kind: "refused", code: "request/invalid" };
  const event = name as RequestName;
  return REQUESTS[event].safeParse(rest[0]).success
    ? { kind: "judged", event, payload: rest[0] }
    : { kind: "refused", code: "request/invalid" };
}

/** Whether an ack is a typed error: `{ ok: false, error: { code, message } }` with a known code and a sentence. */
export function isTypedError(ack: unknown): ack is Extract<Ack<unknown>, { ok: false }> {
  if (typeof ack !== "object" || ack === null) return false;
  const { ok, error, ...rest } = ack as Record<string, unknown>;
  if (ok !== false || Object.keys(rest).length > 0 || typeof error !== "object" || error === null)
    return false;
  const { code, message, ...more } = error as Record<string, unknown>;
  return (
    Object.keys(more).length === 0 &&
    typeof code === "string" &&
    KNOWN_ERROR_CODES.has(code) &&
    typeof message === "string" &&
    message.length > 0
  );
}

/** A short label for a message in failure reports and the bench's tables. */
export function describeMessage(message: FuzzMessage): string {
  let args: string;
  try {
    args = JSON.stringify(message.args, (_k, v: unknown) =>
      v instanceof Uint8Array || v instanceof ArrayBuffer ? `<${v.byteLength} bytes>` : v,
    );
  } catch {
    args = "<unprintable>";
  }
  if (args.length > 200) args = `${args.slice(0, 200)}… (${args.length} chars)`;
  return `${message.mutation}: ${JSON.stringify(message.event.slice(0, 40))}${message.ack ? "" : " (no ack)"} ${args}`;
}
