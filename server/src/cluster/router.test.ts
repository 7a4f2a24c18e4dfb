/**
 * Where the router sends a request, from its first line alone, and which process holds a code.
 * (The routing itself, with real processes, is in cluster.test.ts.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { routeOf } from "./router";
import { dataFile, processesOf, shardOf } from "./shards";

describe("routeOf", () => {
  it("routes a socket by the room in its address, in any case", () => {
    expect(routeOf("GET /socket.io/?EIO=4&transport=websocket&room=erp3v HTTP/1.1")).toEqual({
      to: "room",
      code: "ERP3V",
    });
    expect(routeOf("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1")).toEqual({ to: "any" });
  });

  it("routes a room's own API, and a new room asked for next to another", () => {
    expect(routeOf("DELETE /api/rooms/K7QXP HTTP/1.1")).toEqual({ to: "room", code: "K7QXP" });
    expect(routeOf("POST /api/rooms?room=K7QXP HTTP/1.1")).toEqual({ to: "room", code: "K7QXP" });
    expect(routeOf("POST /api/rooms HTTP/1.1")).toEqual({ to: "any" });
  });

  it("sends /healthz and /metrics to the main process, which answers for all", () => {
    expect(routeOf("GET /healthz HTTP/1.1")).toEqual({ to: "main" });
    expect(routeOf("GET /metrics?x=1 HTTP/1.1")).toEqual({ to: "main" });
  });

  it("sends anything it cannot read as a room to any process, which answers it as usual", () => {
    for (const line of [
      "",
      "garbage",
      "\u0000\u0001\u0002 \u00ff",
      "GET",
      "GET http://[::1 HTTP/1.1",
      "GET /socket.io/?room=../../etc HTTP/1.1",
      "GET /socket.io/?room=ABCDEFGHIJKLMNOPQ HTTP/1.1",
      "GET /socket.io/?room=AB%00CD HTTP/1.1",
      "GET /socket.io/?room=__proto__ HTTP/1.1",
      "DELETE /api/rooms/AB/CD HTTP/1.1",
      `GET /${"a".repeat(5000)} HTTP/1.1`,
    ])
      expect(routeOf(line)).toEqual({ to: "any" });
  });
});

describe("shardOf", () => {
  it("spreads codes evenly, ignores case, and keeps every code in one process", () => {
    const counts = [0, 0, 0];
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (let i = 0; i < 3000; i++) {
      let code = "";
      for (let j = 0; j < 5; j++) code += alphabet[(i * 7 + j * 13 + ((i * j) % 11)) % alphabet.length];
      const shard = shardOf(code, 3);
      expect(shardOf(code.toLowerCase(), 3)).toBe(shard);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(shardOf("ANYTHING", 1)).toBe(0);
  });
});

describe("processesOf", () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "boxless-shards-"));

  it("reads how many processes wrote a data folder from its files' names", () => {
    const empty = dir();
    expect(processesOf(empty)).toBeNull();
    expect(processesOf(path.join(empty, "missing"))).toBeNull();
    const one = dir();
    fs.writeFileSync(dataFile(one, 0, 1), "");
    expect(processesOf(one)).toBe(1);
    const two = dir();
    fs.writeFileSync(dataFile(two, 0, 2), "");
    fs.writeFileSync(dataFile(two, 1, 2), "");
    fs.writeFileSync(path.join(two, "boxless-1-of-2.sqlite-wal"), "");
    expect(processesOf(two)).toBe(2);
  });

  it("refuses a folder with the files of two different numbers of processes", () => {
    const mixed = dir();
    fs.writeFileSync(dataFile(mixed, 0, 1), "");
    fs.writeFileSync(dataFile(mixed, 0, 3), "");
    expect(() => processesOf(mixed)).toThrow(/servers of 1 and 3 processes; keep one set of files/);
  });
});
