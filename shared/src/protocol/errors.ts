/**
 * Every error a client can receive: the rules engine's codes plus those of the wire (bad payloads,
 * rights, rate limits). An error is a value with a namespaced code for programs and a sentence for
 * people; clients show the sentence.
 */
import { z } from "zod";
import type { GameErrorCode } from "../rules/errors";

export const WIRE_ERROR_CODES = [
  "request/invalid",
  "request/unknown_event",
  "request/too_large",
  "request/unknown_route",
  "rate/limited",
  "room/not_found",
  "room/join_limited",
  "room/finished",
  "room/deleted",
  "room/elsewhere",
  "auth/invalid_token",
  "auth/not_facilitator",
  "auth/not_in_room",
  "auth/not_your_seat",
  "auth/read_only",
  "seat/replaced",
  "seat/removed",
  "deck/invalid",
  "server/conflict",
  "server/internal",
] as const;
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];
export type ErrorCode = GameErrorCode | WireErrorCode;

export const ErrorBody = z
  .object({
    code: z.string().regex(/^[a-z]+\/[a-z_]+$/),
    message: z.string(),
  })
  .strict();
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** The ack envelope's schema for a given data schema. */
export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), data }).strict(),
    z.object({ ok: z.literal(false), error: ErrorBody }).strict(),
  ]);
}

/** A sentence for the first problem zod found: `settings.rounds: Too big…`, prefixed by `root` at the top. */
export function describeIssue(error: z.ZodError, root = ""): string {
  const issue = error.issues[0];
  if (!issue) return "The request is not valid.";
  const where = issue.path.join(".") || root;
  return where ? `${where}: ${issue.message}` : issue.message;
}

export function okAck<T>(data: T): Ack<T> {
  return { ok: true, data };
}

export function errorAck(code: ErrorCode, message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}
