/**
 * The one module that talks to the server. It opens the socket, attaches to a room (as a seat, the
 * host screen or the facilitator), keeps the latest view up to date from the server's patches, and
 * sends intents. When the connection drops it reconnects by itself, attaches again with the seat
 * token (a full resync that works even after a server restart), and resends actions that had no ack
 * yet with their original ids, so the server applies each once.
 *
 * It runs in the browser and in Node (the integration tests drive the server through it).
 */
import type { Ack } from "@boxless/shared/protocol/errors";
import type {
  AckData,
  FacilitatorRequestName,
  PlayerRequestName,
  PushPayload,
  RequestName,
  RequestPayload,
  Session,
} from "@boxless/shared/protocol/events";
import { applyViewPatch } from "@boxless/shared/protocol/patch";
import type { RoomView } from "@boxless/shared/protocol/views";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";

/** Where seat and facilitator tokens are kept between page loads (localStorage in a browser). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStorage(): TokenStorage {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

export const seatTokenKey = (code: string) => `boxless:seat:${code}`;
export const facilitatorTokenKey = (code: string) => `boxless:facilitator:${code}`;

export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "ended";

type Attach =
  | { kind: "seat"; code: string; seatToken: string }
  | { kind: "host"; code: string }
  | { kind: "facilitator"; code: string; facilitatorToken: string };

interface Pending {
  event: RequestName;
  payload: Record<string, unknown>;
  resolve: (ack: Ack<unknown>) => void;
  sent: boolean;
}

/** Letters and digits from a secure random source (works on plain-http LAN pages, unlike randomUUID). */
export function newActionId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = "";
  for (const byte of bytes) out += byte.toString(36).padStart(2, "0");
  return out;
}

export interface ConnectionOptions {
  storage?: TokenStorage;
  /**
   * The room this connection is for. It rides in the socket's address (`?room=CODE`), so a server
   * of several processes hands the socket straight to the one holding the room. Without it the
   * first attach to a room held elsewhere costs one reconnect.
   */
  room?: string;
  socket?: Partial<ManagerOptions & SocketOptions>;
}

export class GameConnection {
  readonly socket: Socket;
  private readonly storage: TokenStorage;
  private attachTo: Attach | null = null;
  private attached = false;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<() => void>();

  view: RoomView | null = null;
  seatId: string | null = null;
  away: string[] = [];
  status: ConnectionStatus = "connecting";
  /** Why the session ended (seat handed over or removed, room deleted), when it has. */
  ended: { code: string; message: string } | null = null;
  /** Server clock minus ours, for counting timers down. */
  clockOffset = 0;

  constructor(url: string, options: ConnectionOptions = {}) {
    this.storage = options.storage ?? memoryStorage();
    this.socket = io(url, {
      transports: ["websocket"],
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      randomizationFactor: 0.3,
      ...(options.room ? { query: { room: options.room.toUpperCase() } } : {}),
      ...options.socket,
    });
    this.socket.on("connect", () => void this.onConnect());
    this.socket.on("disconnect", () => {
      this.attached = false;
      for (const pending of this.pending.values()) pending.sent = false;
      if (this.status !== "ended") this.setStatus("reconnecting");
    });
    this.socket.on("view:replaced", (push: PushPayload<"view:replaced">) => {
      this.view = push.view;
      this.notify();
    });
    this.socket.on("view:patched", (push: PushPayload<"view:patched">) => this.onPatch(push));
    this.socket.on("presence:changed", (push: PushPayload<"presence:changed">) => {
      this.away = push.away;
      this.notify();
    });
    this.socket.on("session:ended", (push: PushPayload<"session:ended">) => {
      this.ended = push;
      this.attachTo = null;
      this.attached = false;
      if (push.code !== "room/deleted" && this.view)
        this.storage.removeItem(seatTokenKey(this.view.room.code));
      for (const pending of this.pending.values())
        pending.resolve({ ok: false, error: { code: push.code, message: push.message } });
      this.pending.clear();
      this.setStatus("ended");
    });
  }

  /** Call `listener` whenever the view, presence or status changes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.notify();
  }

  private request<E extends RequestName>(event: E, payload: RequestPayload<E>): Promise<Ack<AckData<E>>> {
    return new Promise((resolve) => {
      this.socket.emit(event, payload, (ack: Ack<AckData<E>>) => resolve(ack));
    });
  }

  private async whenConnected(): Promise<void> {
    if (this.socket.connected) return;
    await new Promise<void>((resolve) => this.socket.once("connect", () => resolve()));
  }

  /** Put the room in the socket's address, for the next connect (which routes it there). */
  private routeTo(code: string): boolean {
    const room = code.toUpperCase();
    const query = (this.socket.io.opts.query ?? {}) as Record<string, string>;
    if (query.room === room) return false;
    this.socket.io.opts.query = { ...query, room };
    return true;
  }

  /**
   * Ask for an attach; when the room is held by another of the server's processes, connect again
   * with the room in the socket's address (which routes it there) and ask once more. After an
   * attach the room stays in the address, so a reconnect goes straight to it.
   */
  private async attachRequest<E extends "room:join" | "room:rejoin" | "room:watch" | "room:facilitate">(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<Ack<AckData<E>>> {
    await this.whenConnected();
    let ack = await this.request(event, payload);
    if (!ack.ok && ack.error.code === "room/elsewhere") {
      this.routeTo(payload.code);
      this.socket.disconnect().connect();
      await this.whenConnected();
      ack = await this.request(event, payload);
    }
    if (ack.ok) this.routeTo(payload.code);
    return ack;
  }

  private useSession(session: Session): void {
    this.view = session.view;
    this.seatId = session.seatId;
    this.away = session.away;
    this.clockOffset = session.serverTime - Date.now();
    this.attached = true;
    this.ended = null;
    this.setStatus("online");
  }

  // ─── attaching to a room ────────────────────────────────────────────────────

  async join(code: string, name: string): Promise<Ack<AckData<"room:join">>> {
    const ack = await this.attachRequest("room:join", { code, name, actionId: newActionId() });
    if (ack.ok) {
      this.storage.setItem(seatTokenKey(ack.data.session.code), ack.data.seatToken);
      this.attachTo = { kind: "seat", code: ack.data.session.code, seatToken: ack.data.seatToken };
      this.useSession(ack.data.session);
    }
    return ack;
  }

  /** Back to a seat with the token kept from an earlier join (after a reload, say). */
  async rejoin(code: string, seatToken = this.storage.getItem(seatTokenKey(code.toUpperCase())) ?? "") {
    const ack = await this.attachRequest("room:rejoin", { code, seatToken, lastVersion: this.view?.version });
    if (ack.ok) {
      this.storage.setItem(seatTokenKey(ack.data.session.code), seatToken);
      this.attachTo = { kind: "seat", code: ack.data.session.code, seatToken };
      this.useSession(ack.data.session);
    } else if (ack.error.code === "seat/replaced" || ack.error.code === "seat/removed") {
      this.storage.removeItem(seatTokenKey(code.toUpperCase()));
    }
    return ack;
  }

  async watch(code: string) {
    const ack = await this.attachRequest("room:watch", { code });
    if (ack.ok) {
      this.attachTo = { kind: "host", code: ack.data.session.code };
      this.useSession(ack.data.session);
    }
    return ack;
  }

  async facilitate(
    code: string,
    facilitatorToken = this.storage.getItem(facilitatorTokenKey(code.toUpperCase())) ?? "",
  ) {
    const ack = await this.attachRequest("room:facilitate", { code, facilitatorToken });
    if (ack.ok) {
      this.storage.setItem(facilitatorTokenKey(ack.data.session.code), facilitatorToken);
      this.attachTo = { kind: "facilitator", code: ack.data.session.code, facilitatorToken };
      this.useSession(ack.data.session);
    }
    return ack;
  }

  /** After a reconnect: attach again (a full view) and resend what had no ack. */
  private async onConnect(): Promise<void> {
    const target = this.attachTo;
    if (!target) {
      if (this.status !== "ended") this.setStatus("online");
      return;
    }
    const ack =
      target.kind === "seat"
        ? await this.request("room:rejoin", {
            code: target.code,
            seatToken: target.seatToken,
            lastVersion: this.view?.version,
          })
        : target.kind === "host"
          ? await this.request("room:watch", { code: target.code })
          : await this.request("room:facilitate", {
              code: target.code,
              facilitatorToken: target.facilitatorToken,
            });
    if (!ack.ok && ack.error.code === "room/elsewhere" && this.routeTo(target.code)) {
      // Landed in a process that does not hold the room: connect again, to the one that does.
      this.socket.disconnect().connect();
      return;
    }
    if (!ack.ok) {
      this.ended = ack.error;
      this.attachTo = null;
      this.setStatus("ended");
      return;
    }
    this.useSession(ack.data.session);
    for (const [actionId, pending] of this.pending) if (!pending.sent) this.send(actionId, pending);
  }

  private onPatch(push: PushPayload<"view:patched">): void {
    if (!this.view) return;
    if (push.base !== this.view.version) {
      // Missed something: ask for the whole view again (unless this patch is old news).
      if (push.version > this.view.version)
        void this.request("room:sync", {}).then((ack) => ack.ok && this.useSession(ack.data.session));
      return;
    }
    this.view = { ...applyViewPatch(this.view, push.ops as never), version: push.version };
    this.notify();
  }

  // ─── intents ────────────────────────────────────────────────────────────────

  private send(actionId: string, pending: Pending): void {
    pending.sent = true;
    this.socket.emit(pending.event, { ...pending.payload, actionId }, (ack: Ack<unknown>) => {
      if (!this.pending.has(actionId)) return;
      this.pending.delete(actionId);
      pending.resolve(ack);
    });
  }

  /** Send an action with a fresh id; kept and resent after a reconnect until the server acks it. */
  private enqueue(
    event: RequestName,
    payload: Record<string, unknown>,
    actionId = newActionId(),
  ): Promise<Ack<unknown>> {
    return new Promise((resolve) => {
      const pending: Pending = { event, payload, resolve, sent: false };
      this.pending.set(actionId, pending);
      if (this.socket.connected && this.attached) this.send(actionId, pending);
    });
  }

  /** A player's action for the current round (`card:select` with `{ cardId }`, `seat:lockIn`, …). */
  play<E extends PlayerRequestName>(
    event: E,
    payload: Omit<RequestPayload<E>, "actionId" | "round" | "phase" | "seatId"> = {} as never,
    actionId?: string,
  ): Promise<Ack<AckData<E>>> {
    const round = this.view?.game.round ?? 0;
    return this.enqueue(event, { ...payload, round }, actionId) as Promise<Ack<AckData<E>>>;
  }

  /** A facilitator control (`game:start`, `seat:assign` with `{ seatId, teamId }`, …). */
  control<E extends FacilitatorRequestName>(
    event: E,
    payload: Omit<RequestPayload<E>, "actionId"> = {} as never,
    actionId?: string,
  ): Promise<Ack<AckData<E>>> {
    return this.enqueue(event, payload as Record<string, unknown>, actionId) as Promise<Ack<AckData<E>>>;
  }

  /** Leave the game for good (frees the seat). */
  async leave(): Promise<Ack<AckData<"room:leave">>> {
    const ack = await this.request("room:leave", { actionId: newActionId() });
    if (ack.ok && this.view) {
      this.storage.removeItem(seatTokenKey(this.view.room.code));
      this.attachTo = null;
    }
    return ack;
  }

  /** Actions sent that have no ack yet. */
  get unacknowledged(): number {
    return this.pending.size;
  }

  close(): void {
    this.attachTo = null;
    this.socket.close();
    this.setStatus("ended");
  }
}
