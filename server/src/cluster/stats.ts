/**
 * The main process's own answers, for a server of several processes: `GET /healthz` and
 * `GET /metrics`, summed over the processes that serve the rooms (each asked over its IPC
 * channel). `/healthz` is 503 while one of them is down (being started again).
 */
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { AggregatorRegistry } from "prom-client";
import { send as sendJson } from "../http/json";
import type { ProcessStats } from "./messages";
import { type Destination, serveConnection } from "./router";

export function statsServer(options: {
  processes: number;
  stats: (withMetrics: boolean) => Promise<ProcessStats[]>;
  startedAt: number;
}): Destination {
  const http = createServer((req, res) => {
    res.shouldKeepAlive = false;
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const answer = async () => {
      if (req.method === "GET" && pathname === "/healthz") {
        const all = await options.stats(false);
        const sum = (f: (s: ProcessStats) => number) => all.reduce((n, s) => n + f(s), 0);
        sendJson(res, all.length === options.processes ? 200 : 503, {
          status: all.length === options.processes ? "ok" : "degraded",
          rooms: sum((s) => s.rooms),
          connectedPlayers: sum((s) => s.players),
          sockets: sum((s) => s.sockets),
          processes: { serving: all.length, of: options.processes },
          uptimeSeconds: Math.round((Date.now() - options.startedAt) / 1000),
        });
      } else if (req.method === "GET" && pathname === "/metrics") {
        const registry = AggregatorRegistry.aggregate(
          (await options.stats(true)).map((s) => s.metrics ?? []),
        );
        res.writeHead(200, { "content-type": registry.contentType });
        res.end(await registry.metrics());
      } else {
        sendJson(res, 404, {
          error: { code: "request/unknown_route", message: `No such API: ${req.method} ${pathname}` },
        });
      }
    };
    answer().catch(() => {
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { code: "server/internal", message: "Something went wrong on the server." },
        });
      else res.end();
    });
  });
  return {
    ready: true,
    accept: (socket: Socket, head: Buffer) => serveConnection(http, socket, head),
  };
}
