/**
 * For integration tests: a real server on port 0 with a real SQLite file in a temporary folder,
 * and real socket.io clients through the client's own network module.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CreateRoomRequest, CreateRoomResponse } from "@boxless/shared";
import { GameConnection, memoryStorage, type TokenStorage } from "../../../client/src/net/connection";
import { type BoxlessServer, createServer, type ServerConfig } from "../app";
import type { Clock } from "../clock";
import { SqliteRoomStore } from "../store/sqlite-store";

export interface TestServer {
  server: BoxlessServer;
  url: string;
  port: number;
  dbFile: string;
  store: SqliteRoomStore;
  clients: GameConnection[];
  client(storage?: TokenStorage): GameConnection;
  createRoom(body?: CreateRoomRequest): Promise<CreateRoomResponse>;
  close(): Promise<void>;
}

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "boxless-test-")), "boxless.sqlite");
}

/** Create a room over HTTP on the server at `url`, as the facilitator's page does. */
export async function createRoomAt(url: string, body: CreateRoomRequest = {}): Promise<CreateRoomResponse> {
  const response = await fetch(`${url}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`create room: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreateRoomResponse;
}

export async function startServer(
  options: { dbFile?: string; port?: number; clock?: Clock; config?: Partial<ServerConfig> } = {},
): Promise<TestServer> {
  const dbFile = options.dbFile ?? tempDbFile();
  const store = new SqliteRoomStore(dbFile);
  const server = await createServer({ store, clock: options.clock, config: options.config });
  const port = await server.listen(options.port ?? 0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  const clients: GameConnection[] = [];
  return {
    server,
    url,
    port,
    dbFile,
    store,
    clients,
    client(storage = memoryStorage()) {
      const connection = new GameConnection(url, { storage, socket: { forceNew: true } });
      clients.push(connection);
      return connection;
    },
    createRoom: (body = {}) => createRoomAt(url, body),
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}

/** Wait until `check` returns something truthy (it is asked again after every change and every 10 ms). */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An ack that must be ok: its data. */
export function ok<T>(
  ack: { ok: true; data: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} — ${ack.error.message}`);
  return ack.data;
}
