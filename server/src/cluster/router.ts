/**
 * The front door of a server of several processes. It accepts every connection, reads the first
 * line of its request, and hands the connection, with the bytes it read, to the process holding
 * the room the request names: a socket's `?room=CODE` or `/api/rooms/CODE`. Anything else (pages,
 * creating a room) goes to the processes in turn, and `/healthz` and `/metrics` to the main
 * process, which sums every process's figures. Once handed over, a connection's bytes never pass
 * through here again. The processes answer one HTTP request per connection, so each is routed.
 */
import type { Server as HttpServer } from "node:http";
import net from "node:net";
import type { Logger } from "../logger";
import { shardOf } from "./shards";

const ROOM_CODE = /^[A-Za-z0-9]{1,16}$/;
/** A request line longer than this is refused (the longest we serve is well under 1 KB). */
const MAX_LINE = 8 * 1024;
/** A connection that has not sent its first line by then is closed. */
const FIRST_LINE_TIMEOUT_MS = 10_000;

export interface Destination {
  /** Up and ready for connections (a restarting process is not). */
  readonly ready: boolean;
  accept(socket: net.Socket, head: Buffer): void;
}

/**
 * Serve, on `http`, a connection accepted elsewhere whose first bytes (`head`) were read there:
 * they go to the HTTP parser before anything else read from the socket.
 */
export function serveConnection(http: HttpServer, socket: net.Socket, head: Buffer): void {
  http.emit("connection", socket);
  socket.emit("data", head);
  socket.resume();
}

export type Route = { to: "room"; code: string } | { to: "main" } | { to: "any" };

/** Where a request goes, from its first line (`GET /socket.io/?EIO=4&room=ABCD HTTP/1.1`). */
export function routeOf(requestLine: string): Route {
  const target = requestLine.split(" ")[1] ?? "";
  let url: URL;
  try {
    url = new URL(target, "http://localhost");
  } catch {
    return { to: "any" };
  }
  if (url.pathname === "/healthz" || url.pathname === "/metrics") return { to: "main" };
  // A socket's room, a room's own address, or (creating a room) the room to create it next to.
  const code =
    url.pathname.startsWith("/socket.io/") || url.pathname === "/api/rooms"
      ? url.searchParams.get("room")
      : /^\/api\/rooms\/([^/]+)$/.exec(url.pathname)?.[1];
  return code && ROOM_CODE.test(code) ? { to: "room", code: code.toUpperCase() } : { to: "any" };
}

/**
 * A TCP server that routes each connection to one of `destinations` (index = its shard), and
 * `/healthz` and `/metrics` to `main`.
 */
export function createRouter(
  destinations: readonly Destination[],
  main: Destination,
  logger: Logger,
): net.Server {
  let turn = 0;
  const anyReady = (): Destination | null => {
    for (let i = 0; i < destinations.length; i++) {
      const d = destinations[turn++ % destinations.length] as Destination;
      if (d.ready) return d;
    }
    return null;
  };

  return net.createServer({ noDelay: true }, (socket) => {
    let head: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), FIRST_LINE_TIMEOUT_MS);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => clearTimeout(timer));
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf("\n");
      if (end < 0 && head.length < MAX_LINE) return;
      socket.off("data", onData);
      clearTimeout(timer);
      if (end < 0) {
        socket.end("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n");
        return;
      }
      socket.pause(); // the rest of the request is for the process it goes to
      const route = routeOf(head.subarray(0, end).toString("latin1").trim());
      const destination =
        route.to === "room"
          ? (destinations[shardOf(route.code, destinations.length)] as Destination)
          : route.to === "main"
            ? main
            : anyReady();
      if (!destination?.ready) {
        socket.end(
          "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
      }
      try {
        destination.accept(socket, head);
      } catch (error) {
        logger.error("router.handoff_failed", `handing a connection over failed: ${String(error)}`);
        socket.destroy();
      }
    };
    socket.on("data", onData);
  });
}
