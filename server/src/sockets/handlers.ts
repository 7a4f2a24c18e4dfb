/**
 * Every socket event goes through one pipeline, in this order: rate limit → known event → an ack to
 * answer → payload shape (strict zod) → the sender's rights in its room → the room (which applies
 * the shared rule, logs it and sends the views). Whatever a client sends, it gets an error ack or
 * is ignored as documented in docs/PROTOCOL.md; a handler never throws into socket.io.
 */
import {
  type Ack,
  describeIssue,
  errorAck,
  FACILITATOR_REQUESTS,
  type FacilitatorRequestName,
  type GameCommand,
  PLAYER_REQUESTS,
  type PlayerRequestName,
  REQUESTS,
  type RequestName,
} from "@boxless/shared";
import type { Server, Socket } from "socket.io";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import type { Metrics } from "../metrics";
import type { RoomRegistry } from "../rooms/registry";
import type { Peer, Room } from "../rooms/room";
import { type FailedJoinLimiter, TokenBucket } from "./limits";

export interface SocketLimits {
  eventsPerSecond: number;
  eventBurst: number;
  /** Refused events within a bucket's refill after which the socket is disconnected. */
  floodDisconnectAfter: number;
}

export interface HandlerDeps {
  rooms: RoomRegistry;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  limits: SocketLimits;
  failedJoins: FailedJoinLimiter;
  /** The address to count failed joins against. */
  addressOf: (socket: Socket) => string;
  /** A link that gives a seat to another device. */
  seatLink: (room: Room, token: string) => string;
}

interface SessionData {
  code: string;
  viewer: "seat" | "host" | "facilitator";
  seatId: string | null;
  /** The seat or facilitator token it attached with, to attach again after a recovered drop. */
  token: string | null;
}

type AckFn = (response: Ack<unknown>) => void;

function isRequest(name: string): name is RequestName {
  return Object.hasOwn(REQUESTS, name);
}

/**
 * A socket as the room sees it. While an attach request is being answered its pushes are held, so
 * the ack (with the session's view) always reaches the client before the first patch to that view.
 */
class SocketPeer implements Peer {
  readonly id: string;
  private held: [string, unknown][] | null = null;

  constructor(private readonly socket: Socket) {
    this.id = socket.id;
  }

  /** Pushes are being held (an attach is being answered). */
  get holding(): boolean {
    return this.held !== null;
  }

  push(event: string, payload: unknown): void {
    if (this.held) this.held.push([event, payload]);
    else this.socket.emit(event, payload);
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const list = this.held ?? [];
    this.held = null;
    for (const [event, payload] of list) this.socket.emit(event, payload);
  }
}

/**
 * One push to many peers: socket.io encodes the packet (and its WebSocket frame) once for every
 * socket that is not holding its pushes, instead of once per socket. Only this process's sockets
 * (`local`): a room's peers are always sockets of the process that holds the room.
 */
export function pushAllVia(io: Server): (peers: readonly Peer[], event: string, payload: unknown) => void {
  return (peers, event, payload) => {
    const ids: string[] = [];
    for (const peer of peers) {
      if (peer instanceof SocketPeer && !peer.holding) ids.push(peer.id);
      else peer.push(event, payload);
    }
    if (ids.length > 0) io.local.to(ids).emit(event, payload);
  };
}

const ATTACHING = new Set<string>(["room:join", "room:rejoin", "room:watch", "room:facilitate", "room:sync"]);

export function attachHandlers(io: Server, deps: HandlerDeps): void {
  io.on("connection", (socket) => {
    const bucket = new TokenBucket(deps.clock, deps.limits.eventsPerSecond, deps.limits.eventBurst);
    let refused = 0;
    let refusedSince = deps.clock.now();
    const peer = new SocketPeer(socket);

    // socket.io restored this socket's session after a short drop: attach it again with a full view.
    if (socket.recovered && socket.data.session)
      void recover(socket, peer, socket.data.session as SessionData);

    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === "function" ? (args.at(-1) as AckFn) : null;
      const now = deps.clock.now();
      if (!bucket.take()) {
        if (now - refusedSince > 2_000) {
          refused = 0;
          refusedSince = now;
        }
        refused++;
        deps.metrics.actions.inc({ result: "rejected", code: "rate/limited" });
        if (refused > deps.limits.floodDisconnectAfter) {
          deps.logger.warn(
            "socket.flooding",
            `socket from ${deps.addressOf(socket)} kept flooding; disconnected`,
          );
          socket.disconnect(true);
          return;
        }
        ack?.(errorAck("rate/limited", "Too many messages; slow down a little."));
        return;
      }
      if (typeof event !== "string" || !isRequest(event)) {
        deps.metrics.actions.inc({ result: "rejected", code: "request/unknown_event" });
        ack?.(
          errorAck(
            "request/unknown_event",
            `There is no event called ${JSON.stringify(String(event)).slice(0, 60)}.`,
          ),
        );
        return;
      }
      // A request with no ack is ignored: nothing could tell the sender what happened.
      if (!ack) return;
      if (args.length !== 2) {
        deps.metrics.actions.inc({ result: "rejected", code: "request/invalid" });
        ack(errorAck("request/invalid", "Send exactly one payload object, then the ack callback."));
        return;
      }
      const started = performance.now();
      const attaching = ATTACHING.has(event);
      if (attaching) peer.hold();
      void handle(socket, peer, event, args[0])
        .catch((error: unknown) => {
          deps.logger.error(
            "request.failed",
            `${event} failed: ${error instanceof Error ? error.stack : String(error)}`,
          );
          return errorAck("server/internal", "Something went wrong on the server; try again.");
        })
        .then((response) => {
          deps.metrics.ackSeconds.observe({ event }, (performance.now() - started) / 1000);
          deps.metrics.actions.inc(
            response.ok
              ? { result: "accepted", code: "" }
              : { result: "rejected", code: response.error.code },
          );
          if (socket.connected) ack(response);
          if (attaching) peer.release();
        });
    });

    socket.on("disconnect", () => {
      const session = socket.data.session as SessionData | undefined;
      if (session) void deps.rooms.get(session.code).then((room) => room?.detach(socket.id));
    });
  });

  async function recover(socket: Socket, peer: Peer, session: SessionData): Promise<void> {
    const room = await deps.rooms.get(session.code);
    const response = !room
      ? errorAck("room/deleted", "This room no longer exists.")
      : session.viewer === "seat"
        ? await room.rejoin(session.token ?? "", peer)
        : session.viewer === "facilitator"
          ? await room.facilitate(session.token ?? "", peer)
          : await room.watch(peer);
    if (response.ok) {
      const { view, away } = response.data.session;
      socket.emit("view:replaced", { version: view.version, view });
      socket.emit("presence:changed", { away });
      return;
    }
    socket.data.session = undefined;
    const { code, message } = response.error;
    if (code === "seat/replaced" || code === "seat/removed" || code === "room/deleted")
      socket.emit("session:ended", { code, message });
  }

  async function handle(
    socket: Socket,
    peer: Peer,
    event: RequestName,
    payload: unknown,
  ): Promise<Ack<unknown>> {
    const parsed = REQUESTS[event].safeParse(payload);
    if (!parsed.success) return errorAck("request/invalid", describeIssue(parsed.error));
    const data = parsed.data as Record<string, unknown>;
    const session = socket.data.session as SessionData | undefined;

    switch (event) {
      case "room:join":
      case "room:rejoin":
      case "room:watch":
      case "room:facilitate":
        return attach(socket, peer, event, data);
      case "room:sync": {
        const room = session && (await deps.rooms.get(session.code));
        if (!room) return errorAck("auth/not_in_room", "Join or watch a room first.");
        return room.sync(peer);
      }
      case "room:leave": {
        const room = session && (await deps.rooms.get(session.code));
        const who = room ? room.attachedAs(socket.id) : null;
        // Only the device that holds the seat now may give it up (not one it was taken from).
        if (!room || who?.viewer !== "seat")
          return errorAck("auth/not_in_room", "You do not hold a seat in a room.");
        const left = await room.leave(who.seatId, data.actionId as string, peer);
        if (left.ok) socket.data.session = undefined;
        return left;
      }
    }

    if (!session) return errorAck("auth/not_in_room", "Join or watch a room first.");
    const room = await deps.rooms.get(session.code);
    if (!room) return errorAck("room/not_found", "This room no longer exists.");
    const who = room.attachedAs(socket.id);
    if (!who) return errorAck("auth/not_in_room", "This connection no longer holds a seat; join again.");

    if (Object.hasOwn(PLAYER_REQUESTS, event)) {
      if (who.viewer !== "seat")
        return errorAck(
          "auth/read_only",
          "The host screen and the facilitator watch; only seats play cards.",
        );
      if (data.seatId !== undefined && data.seatId !== who.seatId)
        return errorAck("auth/not_your_seat", "You can only act for your own seat.");
      // The rules judge staleness (the round and phase it names) when the command's turn comes.
      return room.act(
        `seat:${who.seatId}`,
        data.actionId as string,
        playerCommand(event as PlayerRequestName, who.seatId, data),
      );
    }

    if (Object.hasOwn(FACILITATOR_REQUESTS, event)) {
      if (who.viewer !== "facilitator")
        return errorAck(
          "auth/not_facilitator",
          "Only the facilitator (with the facilitator link) can do that.",
        );
      if (event === "seat:handOver")
        return room.handOver(data.seatId as string, data.actionId as string, (token) =>
          deps.seatLink(room, token),
        );
      return room.act(
        "facilitator",
        data.actionId as string,
        facilitatorCommand(event as Exclude<FacilitatorRequestName, "seat:handOver">, data),
      );
    }
    return errorAck("request/unknown_event", `There is no event called ${event}.`);
  }

  async function attach(
    socket: Socket,
    peer: Peer,
    event: "room:join" | "room:rejoin" | "room:watch" | "room:facilitate",
    data: Record<string, unknown>,
  ): Promise<Ack<unknown>> {
    const address = deps.addressOf(socket);
    const limited = !deps.failedJoins.allowed(address);
    const refuseLimited = () =>
      errorAck(
        "room/join_limited",
        `Too many wrong room codes from your network; try again in ${deps.failedJoins.retryAfter(address)} s.`,
      );
    // Joining and watching need only a code, so while an address is limited they are refused
    // outright and guessing gains nothing. A rejoin or the facilitator link carries a secret token:
    // a valid one still gets in (a phone reconnecting behind the same office router as a typo-prone
    // colleague); an invalid one gets the same answer whether or not the room exists.
    const secret = event === "room:rejoin" || event === "room:facilitate";
    const code = data.code as string;
    // Which process holds a code is no secret (its hash says), so this comes before any limit.
    if (!deps.rooms.owns(code))
      return errorAck(
        "room/elsewhere",
        `Room ${code} is held by another of this server's processes: connect again with ?room=${code} in the socket's address.`,
      );
    if (limited && !secret) return refuseLimited();
    const room = await deps.rooms.get(code);
    if (!room) {
      if (limited) return refuseLimited();
      deps.failedJoins.fail(address);
      return errorAck("room/not_found", `No room with code ${code}.`);
    }
    let response: Ack<{
      session: { viewer: SessionData["viewer"]; seatId: string | null };
      seatToken?: string;
    }>;
    if (event === "room:join") response = await room.join(data.name as string, data.actionId as string, peer);
    else if (event === "room:rejoin")
      response = await room.rejoin(data.seatToken as string, peer, data.lastVersion as number | undefined);
    else if (event === "room:watch") response = await room.watch(peer);
    else response = await room.facilitate(data.facilitatorToken as string, peer);
    if (!response.ok) {
      if (secret && limited) return refuseLimited();
      if (secret && response.error.code === "auth/invalid_token") deps.failedJoins.fail(address);
      // A refused attempt leaves whatever this socket was attached to as it was.
      return response;
    }
    const previous = socket.data.session as SessionData | undefined;
    if (previous && previous.code !== room.code) (await deps.rooms.get(previous.code))?.detach(socket.id);
    if (!socket.connected) room.detach(socket.id);
    else
      socket.data.session = {
        code: room.code,
        viewer: response.data.session.viewer,
        seatId: response.data.session.seatId,
        token:
          event === "room:join"
            ? (response.data.seatToken ?? null)
            : event === "room:rejoin"
              ? (data.seatToken as string)
              : event === "room:facilitate"
                ? (data.facilitatorToken as string)
                : null,
      } satisfies SessionData;
    return response;
  }
}

function playerCommand(event: PlayerRequestName, seatId: string, data: Record<string, unknown>): GameCommand {
  const round = data.round as number;
  const phase = data.phase as "reporting" | "planning" | undefined;
  const when = phase === undefined ? { round } : { round, phase };
  switch (event) {
    case "team:chooseReporting":
      return { type: event, seatId, ...when, side: data.side as "product" | "marketing" };
    case "card:select":
    case "card:unselect":
    case "card:show":
      return { type: event, seatId, ...when, cardId: data.cardId as string };
    case "seat:lockIn":
    case "seat:unlock":
      return { type: event, seatId, ...when };
  }
}

function facilitatorCommand(
  event: Exclude<FacilitatorRequestName, "seat:handOver">,
  data: Record<string, unknown>,
): GameCommand {
  switch (event) {
    case "game:setBots":
      return { type: event, fillWithBots: data.fillWithBots as boolean };
    case "seat:assign": {
      const command: GameCommand = { type: event, seatId: data.seatId as string };
      if (data.teamId !== undefined) command.teamId = data.teamId as string;
      if (data.roles !== undefined) command.roles = data.roles as ("pm" | "pmm" | "cm" | "support")[];
      return command;
    }
    case "seat:remove":
      return { type: event, seatId: data.seatId as string };
    case "seat:setBot":
      return { type: event, seatId: data.seatId as string, bot: (data.bot as "coordinated" | null) ?? null };
    default:
      return { type: event };
  }
}
