/**
 * `createServer({ store, clock, config })`: the HTTP server and socket.io, wired to the room
 * registry. Nothing here is global, so a test can start as many servers as it likes on port 0.
 */
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import os from "node:os";
import { Server, type ServerOptions, type Socket } from "socket.io";
import { type Clock, systemClock } from "./clock";
import type { ProcessStats } from "./cluster/messages";
import { serveConnection } from "./cluster/router";
import { shardOf } from "./cluster/shards";
import { createRoutes } from "./http/routes";
import { createLogger, type Logger } from "./logger";
import { createMetrics } from "./metrics";
import { RoomRegistry } from "./rooms/registry";
import { attachHandlers, pushAllVia, type SocketLimits } from "./sockets/handlers";
import { jsonOnlyParser } from "./sockets/json-encoder";
import { FailedJoinLimiter } from "./sockets/limits";
import { oneWritePerTick } from "./sockets/one-write-per-tick";
import type { RoomStore } from "./store/room-store";

export interface ServerConfig {
  /** The folder of the built client (index.html), or null to serve none. */
  clientDir: string | null;
  /** The address links are built from; else the request's host. */
  publicUrl: string | null;
  /** Origins (besides the server's own) whose pages may open sockets. */
  allowedOrigins: string[];
  /** Use the X-Forwarded-For address (behind a reverse proxy) for per-address limits. */
  trustProxy: boolean;
  limits: SocketLimits;
  failedJoinsPerMinute: number;
  roomsPerMinute: number;
  /** How long a seat's person may be gone before the room shows the seat as away. */
  awayAfterMs: number;
  /**
   * Let socket.io restore a socket's session after a short drop (never relied on: clients attach
   * again by token). Off by default: it keeps every push for 30 s, which costs far more memory
   * than the full resync it saves.
   */
  connectionStateRecovery: boolean;
  /** A socket.io adapter (for several processes); the in-memory one when absent. */
  adapter?: ServerOptions["adapter"];
  /**
   * This process's share of the rooms when the server runs as several processes (`WORKERS`): it
   * creates and holds only the rooms whose codes hash to `index` (cluster/shards.ts), and answers
   * each HTTP request on a connection of its own, so the next one is routed afresh.
   */
  shard: { index: number; count: number };
}

export const defaultConfig: ServerConfig = {
  clientDir: null,
  publicUrl: null,
  allowedOrigins: [],
  trustProxy: false,
  limits: { eventsPerSecond: 10, eventBurst: 20, floodDisconnectAfter: 40 },
  failedJoinsPerMinute: 10,
  roomsPerMinute: 30,
  awayAfterMs: 10_000,
  connectionStateRecovery: false,
  shard: { index: 0, count: 1 },
};

export interface BoxlessServer {
  listen(port: number, host?: string): Promise<number>;
  /**
   * Serve a connection accepted elsewhere (by the router of a server of several processes), whose
   * first bytes (`head`) were read there.
   */
  accept(socket: NetSocket, head: Buffer): void;
  /** This process's figures (with its metrics if `withMetrics`), for a server of several. */
  stats(withMetrics: boolean): Promise<ProcessStats>;
  url(): string;
  rooms: RoomRegistry;
  io: Server;
  close(): Promise<void>;
}

const MAX_SOCKET_MESSAGE = 16 * 1024;

/** How long the LAN address found is used before the interfaces are asked again. */
const LAN_ADDRESS_TTL_MS = 10_000;

/**
 * This machine's first IPv4 address on a network, for the join links of a server opened at
 * localhost. Asking the system for its interfaces costs about a fifth of creating a room, so the
 * answer is kept for a few seconds (a laptop that changes networks gets the new one soon).
 */
function lanAddressKept(clock: Clock): () => string | null {
  let found: { address: string | null; at: number } | null = null;
  return () => {
    const now = clock.now();
    if (!found || now - found.at >= LAN_ADDRESS_TTL_MS) found = { address: firstLanAddress(), at: now };
    return found.address;
  };
}

function firstLanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces()))
    for (const net of list ?? []) if (net.family === "IPv4" && !net.internal) return net.address;
  return null;
}

function isLoopback(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(host);
}

export async function createServer(options: {
  store: RoomStore;
  clock?: Clock;
  logger?: Logger;
  config?: Partial<ServerConfig>;
}): Promise<BoxlessServer> {
  const config: ServerConfig = { ...defaultConfig, ...options.config };
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger("silent");
  const startedAt = clock.now();
  const http = createHttpServer();
  let port = 0;

  const addressOf = (req: IncomingMessage): string => {
    const forwarded = req.headers["x-forwarded-for"];
    // The proxy appends the address it saw: the right-most entry is the one a client cannot forge.
    if (config.trustProxy && typeof forwarded === "string") return forwarded.split(",").at(-1)?.trim() ?? "";
    return req.socket.remoteAddress ?? "";
  };
  const lanAddress = lanAddressKept(clock);
  const basesFor = (req: IncomingMessage) => {
    if (config.publicUrl) return { base: config.publicUrl.replace(/\/$/, ""), lan: null };
    const host = req.headers.host ?? `localhost:${port}`;
    const hostname = host.replace(/:\d+$/, "");
    const lanIp = isLoopback(hostname) ? lanAddress() : null;
    return { base: `http://${host}`, lan: lanIp ? `http://${lanIp}:${port}` : null };
  };

  let registry: RoomRegistry;
  const metrics = createMetrics({
    sockets: () => io.engine.clientsCount,
    rooms: () => registry.activeCount,
    players: () => registry.connectedPlayers,
  });
  // Rooms send one push to many sockets through socket.io (set once io exists, before any room loads).
  let pushAll: ReturnType<typeof pushAllVia> | undefined;
  const { index: shard, count: shards } = config.shard;
  registry = new RoomRegistry(
    {
      store: options.store,
      clock,
      logger,
      awayAfterMs: config.awayAfterMs,
      pushAll: (peers, event, payload) => {
        if (pushAll) pushAll(peers, event, payload);
        else for (const peer of peers) peer.push(event, payload);
      },
    },
    (code) => shardOf(code, shards) === shard,
  );

  const allowedOrigins = new Set(config.allowedOrigins.map((o) => o.replace(/\/$/, "")));
  if (config.publicUrl) allowedOrigins.add(new URL(config.publicUrl).origin);
  const io = new Server(http, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE,
    serveClient: false,
    parser: jsonOnlyParser,
    ...(config.connectionStateRecovery
      ? { connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true } }
      : {}),
    ...(config.adapter ? { adapter: config.adapter } : {}),
    // Pages from another origin may not open sockets here unless allowed; programs (no Origin) may.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (!origin) return callback(null, true);
      let sameHost = false;
      try {
        sameHost = new URL(origin).host === req.headers.host;
      } catch {
        return callback("origin not allowed", false);
      }
      callback(
        sameHost || allowedOrigins.has(origin) ? null : "origin not allowed",
        sameHost || allowedOrigins.has(origin),
      );
    },
  });

  oneWritePerTick(io);
  pushAll = pushAllVia(io);

  // With several processes each counts an address's attempts itself, and allows its share, so the
  // totals stay the limits (an address's new rooms and wrong codes spread over the processes).
  const share = (perMinute: number) => Math.max(1, Math.ceil(perMinute / shards));
  const failedJoins = new FailedJoinLimiter(clock, share(config.failedJoinsPerMinute));
  const socketAddress = (socket: Socket) => addressOf(socket.request);
  attachHandlers(io, {
    rooms: registry,
    clock,
    logger,
    metrics,
    limits: config.limits,
    failedJoins,
    addressOf: socketAddress,
    seatLink: (room, token) =>
      `${room.record.links.join.replace(/\/join\/.*$/, "")}/seat/${room.code}#${token}`,
  });

  /** What `/healthz` counts: this process's, or one worker's share of the sum. */
  const figures = () => ({
    rooms: registry.activeCount,
    sockets: io.engine.clientsCount,
    players: registry.connectedPlayers,
  });
  const stats = async (withMetrics: boolean): Promise<ProcessStats> => ({
    ...figures(),
    metrics: withMetrics ? await metrics.registry.getMetricsAsJSON() : null,
  });

  const route = createRoutes({
    rooms: registry,
    clock,
    logger,
    metrics,
    startedAt,
    clientDir: config.clientDir,
    basesFor,
    health: figures,
    roomCreations: new FailedJoinLimiter(clock, share(config.roomsPerMinute)),
    addressOf,
  });
  http.on("request", (req, res) => {
    // One request per connection when there are several processes: the router routes each one.
    if (shards > 1) res.shouldKeepAlive = false;
    // socket.io answers its own path; everything else is ours.
    if (req.url?.startsWith("/socket.io/")) return;
    void route(req, res);
  });

  const restored = await registry.restore();
  if (restored > 0)
    logger.info("rooms.restored", `${restored} unfinished room(s) rebuilt from the log`, { restored });

  return {
    rooms: registry,
    io,
    listen(wanted, host) {
      return new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(wanted, host, () => {
          port = (http.address() as AddressInfo).port;
          logger.info("server.listening", `Boxless listening on http://${host ?? "localhost"}:${port}`, {
            port,
          });
          resolve(port);
        });
      });
    },
    accept: (socket, head) => serveConnection(http, socket, head),
    stats,
    url: () => `http://127.0.0.1:${port}`,
    async close() {
      await registry.close();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      http.closeAllConnections?.();
      await options.store.close();
      logger.info("server.stopped", "Boxless stopped");
    },
  };
}
