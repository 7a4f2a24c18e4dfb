/**
 * HTTP: create a room (`POST /api/rooms`, with a custom deck; bodies up to 256 KB), check a deck without
 * creating anything (`POST /api/decks/check`), delete a room (finished or not) with its facilitator token
 * (`DELETE /api/rooms/CODE`), `GET /healthz`, `GET /metrics`, and the client's files.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import {
  builtinDeck,
  CreateRoomRequest,
  type CreateRoomResponse,
  checkDeck,
  type DeckCheck,
  describeIssue,
  MAX_DECK_BYTES,
} from "@boxless/shared";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import type { Metrics } from "../metrics";
import type { RoomRegistry } from "../rooms/registry";
import type { FailedJoinLimiter } from "../sockets/limits";
import { send } from "./json";
import { serveStatic } from "./static-files";

export interface RouteDeps {
  rooms: RoomRegistry;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  startedAt: number;
  clientDir: string | null;
  /** The base URLs links are made from, for a request (PUBLIC_URL, else its host, plus a LAN one). */
  basesFor: (req: IncomingMessage) => { base: string; lan: string | null };
  health: () => { rooms: number; sockets: number; players: number };
  roomCreations: FailedJoinLimiter;
  addressOf: (req: IncomingMessage) => string;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit)
    throw new HttpProblem(413, "request/too_large", `The request is over ${limit / 1024} KB.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new HttpProblem(413, "request/too_large", `The request is over ${limit / 1024} KB.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, "request/invalid", "The body is not valid JSON.");
  }
}

/** The built-in deck never changes: it is checked once, not for every room that plays it. */
let builtinChecked: DeckCheck | undefined;
function builtinDeckCheck(): DeckCheck {
  builtinChecked ??= checkDeck(builtinDeck);
  return builtinChecked;
}

export function createRoutes(deps: RouteDeps) {
  const files = serveStatic(deps.clientDir);
  const bodyLimit = MAX_DECK_BYTES;

  async function createRoom(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = deps.addressOf(req);
    if (!deps.roomCreations.allowed(address))
      throw new HttpProblem(429, "rate/limited", "Too many rooms created from your network; wait a minute.");
    const parsed = CreateRoomRequest.safeParse(await readJson(req, bodyLimit));
    if (!parsed.success) throw new HttpProblem(400, "request/invalid", describeIssue(parsed.error, "body"));
    const checked = parsed.data.deck ? checkDeck(parsed.data.deck) : builtinDeckCheck();
    if (!checked.ok)
      throw new HttpProblem(
        422,
        "deck/invalid",
        "The deck file has problems; nothing was created.",
        checked.problems,
      );
    deps.roomCreations.fail(address);
    const { base, lan } = deps.basesFor(req);
    const room = await deps.rooms.create(parsed.data.settings, checked.deck, (code) => ({
      join: `${base}/join/${code}`,
      lanJoin: lan ? `${lan}/join/${code}` : null,
    }));
    const code = room.code;
    const token = room.record.facilitatorToken;
    const body: CreateRoomResponse = {
      code,
      facilitatorToken: token,
      links: {
        join: `${base}/join/${code}`,
        facilitator: `${base}/facilitate/${code}#${token}`,
        host: `${base}/host/${code}`,
        lanJoin: lan ? `${lan}/join/${code}` : null,
        lanFacilitator: lan ? `${lan}/facilitate/${code}#${token}` : null,
      },
      deck: { name: checked.deck.name, summary: checked.summary },
      settings: room.record.settings,
    };
    send(res, 201, body);
  }

  async function deleteRoom(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    const room = await deps.rooms.get(code);
    if (!room) throw new HttpProblem(404, "room/not_found", `No room with code ${code}.`);
    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (!room.isFacilitatorToken(token))
      throw new HttpProblem(
        403,
        "auth/not_facilitator",
        "Only the facilitator (with the facilitator token) can delete a room.",
      );
    await deps.rooms.delete(code);
    send(res, 200, { deleted: code });
  }

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const { pathname } = url;
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    try {
      if (pathname === "/healthz" && req.method === "GET") {
        const { rooms, sockets, players } = deps.health();
        send(res, 200, {
          status: "ok",
          rooms,
          connectedPlayers: players,
          sockets,
          uptimeSeconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
        });
        return;
      }
      if (pathname === "/metrics" && req.method === "GET") {
        res.writeHead(200, { "content-type": deps.metrics.registry.contentType });
        res.end(await deps.metrics.registry.metrics());
        return;
      }
      if (pathname === "/api/rooms" && req.method === "POST") return await createRoom(req, res);
      if (pathname === "/api/decks/check" && req.method === "POST") {
        const checked = checkDeck(await readJson(req, bodyLimit));
        send(
          res,
          200,
          checked.ok ? { ok: true, summary: checked.summary } : { ok: false, problems: checked.problems },
        );
        return;
      }
      const roomPath = /^\/api\/rooms\/([A-Za-z0-9]{1,16})$/.exec(pathname);
      if (roomPath && req.method === "DELETE")
        return await deleteRoom(req, res, (roomPath[1] as string).toUpperCase());
      if (pathname.startsWith("/api/"))
        throw new HttpProblem(404, "request/unknown_route", `No such API: ${req.method} ${pathname}`);
      files(req, res, pathname);
    } catch (error) {
      if (error instanceof HttpProblem) {
        send(res, error.status, {
          error: {
            code: error.code,
            message: error.message,
            ...(error.problems ? { problems: error.problems } : {}),
          },
        });
        return;
      }
      deps.logger.error("http.failed", `${req.method} ${pathname} failed: ${String(error)}`);
      if (!res.headersSent)
        send(res, 500, {
          error: { code: "server/internal", message: "Something went wrong on the server." },
        });
      else res.end();
    }
  };
}
