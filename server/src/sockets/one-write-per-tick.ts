/**
 * One TCP write per socket per tick. A player's action answers the player twice: the patch of
 * their own view (sent while the room fans out) and then the ack (sent when the handler resumes,
 * a few microtasks later). engine.io writes a packet as soon as it is queued, then holds the next
 * one until the kernel has taken the first: two `writev` calls, two wake-ups of the client, and
 * the ack waits behind the patch's write callback.
 *
 * Here each engine.io connection flushes once, after the current tick's microtasks: every packet
 * queued in the meantime (patch and ack, or a board patch and a seat's own) goes out in one
 * flush, and over WebSocket with the TCP socket corked, so in one `writev`. Packets keep their
 * order. This uses engine.io 6 internals, `Socket#flush` and the WebSocket transport's `ws`
 * socket; `one-write-per-tick.test.ts` fails if either stops working. (It also reads
 * `Socket#writeBuffer`, only to skip an empty flush; without it every flush is scheduled.)
 */
import type { Socket as EngineSocket } from "engine.io";
import type { Server } from "socket.io";

interface Corkable {
  cork(): void;
  uncork(): void;
}

interface EngineInternals {
  flush(): void;
  writeBuffer?: unknown[];
  transport: { name: string; socket?: { _socket?: Corkable } };
}

/** The TCP socket under a WebSocket transport, or null (long-polling, or engine.io changed). */
function tcpOf(conn: EngineInternals): Corkable | null {
  const tcp = conn.transport.name === "websocket" ? conn.transport.socket?._socket : undefined;
  return tcp && typeof tcp.cork === "function" && typeof tcp.uncork === "function" ? tcp : null;
}

export function coalesceWrites(conn: EngineSocket): void {
  const internals = conn as unknown as EngineInternals;
  const flushNow = internals.flush;
  if (typeof flushNow !== "function") return;
  let scheduled = false;
  const flushQueued = () => {
    scheduled = false;
    const tcp = tcpOf(internals);
    tcp?.cork();
    try {
      flushNow.call(conn);
    } finally {
      tcp?.uncork();
    }
  };
  // engine.io calls `this.flush()` after queuing each packet, when its transport is ready for more
  // and after an upgrade: each of these now flushes once, after the tick's microtasks. When the
  // transport is ready again after a write and nothing is queued (most times: about half of all
  // calls under load), there is nothing to flush and no tick to spend.
  internals.flush = () => {
    if (scheduled || internals.writeBuffer?.length === 0) return;
    scheduled = true;
    process.nextTick(flushQueued);
  };
}

export function oneWritePerTick(io: Server): void {
  io.engine.on("connection", coalesceWrites);
}
