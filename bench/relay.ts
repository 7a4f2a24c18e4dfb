/**
 * A bare socket.io relay for the load bench's baseline (not part of the server): what socket.io
 * itself costs at the same pace, with no validation, rules, views or storage. Started in its own
 * process by `bench/load.ts` (`node --import tsx bench/relay.ts`, env PORT and HOST).
 *
 * The fake protocol: `room:join`, `room:watch` and `room:facilitate` put the socket in the
 * socket.io room `code` (leaving its previous one). A watch or facilitate is acked
 * `{ ok: true, data: { version } }` and nothing more (the server tells the room nothing either).
 * A join, and any other request, bumps the room's version n, broadcasts one small `view:patched`
 * to the room's sockets (the sender too, as the server does: a newcomer's seat shows on every
 * screen) and acks `{ ok: true, data: { version: n } }`. The
 * push carries the seat's locked flag for `seat:lockIn` (so the fan-out is measured on the
 * observer's view as with the server), clears every flag for `round:next`, and otherwise names
 * the event. `GET /healthz` answers 200. `RELAY_RECOVERY=1` turns on socket.io's connection state
 * recovery with the server's settings, to see what that costs by itself.
 */
import http from "node:http";
import { Server } from "socket.io";

type AckFn = (response: unknown) => void;

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? "127.0.0.1";

const httpServer = http.createServer((req, res) => {
  if (req.url?.startsWith("/socket.io/")) return;
  res.writeHead(req.url === "/healthz" ? 200 : 404, { "content-type": "text/plain" });
  res.end(req.url === "/healthz" ? "ok" : "not found");
});
const io = new Server(httpServer, {
  serveClient: false,
  maxHttpBufferSize: 16 * 1024,
  ...(process.env.RELAY_RECOVERY === "1"
    ? { connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true } }
    : {}),
});
const versions = new Map<string, number>();

function opsFor(event: string, seatId: unknown): { p: (string | number)[]; v: unknown }[] {
  if (event === "seat:lockIn") return [{ p: ["game", "seats", String(seatId), "locked"], v: true }];
  if (event === "round:next") return [{ p: ["game", "seats"], v: {} }];
  return [{ p: ["game", "last"], v: event }];
}

io.on("connection", (socket) => {
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== "function") return;
    const payload = (args[0] ?? {}) as Record<string, unknown>;
    if (event === "room:join" || event === "room:watch" || event === "room:facilitate") {
      const code = String(payload.code);
      const previous = socket.data.room as string | undefined;
      if (previous && previous !== code) void socket.leave(previous);
      void socket.join(code);
      socket.data.room = code;
      if (event !== "room:join") {
        (ack as AckFn)({ ok: true, data: { version: versions.get(code) ?? 0 } });
        return;
      }
    }
    const room = socket.data.room as string | undefined;
    if (!room) {
      (ack as AckFn)({ ok: false, error: { code: "auth/not_in_room", message: "Join a room first." } });
      return;
    }
    const version = (versions.get(room) ?? 0) + 1;
    versions.set(room, version);
    io.to(room).emit("view:patched", { base: version - 1, version, ops: opsFor(event, payload.seatId) });
    (ack as AckFn)({ ok: true, data: { version } });
  });
});

httpServer.listen(port, host, () => {
  const address = httpServer.address();
  console.log(`relay listening on ${host}:${typeof address === "object" && address ? address.port : port}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    io.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
