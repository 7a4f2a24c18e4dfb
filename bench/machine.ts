/**
 * What every bench prints about the machine it ran on, so that runs on different VMs can be told
 * apart: the CPU, what a system call costs there, and the load before the start.
 *
 * The system call's cost matters because the server makes ~17 of them per action (socket writes
 * and reads, SQLite's WAL writes and locks). On a VM whose kernel isolates page tables (Meltdown's
 * mitigation, `pti=on`), each one flushes the TLB and costs several times as much: on one such VM
 * the same code and the relay each spent a quarter to a half more CPU per action than on another.
 */
import fs from "node:fs";
import os from "node:os";
import { fmt } from "./report";

/** Microseconds per 1-byte `read` of /dev/zero, the best of three rounds (Node's own call included). */
export function systemCallMicros(calls = 50_000): number | null {
  let fd: number;
  try {
    fd = fs.openSync("/dev/zero", "r");
  } catch {
    return null;
  }
  try {
    const byte = Buffer.alloc(1);
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) fs.readSync(fd, byte, 0, 1, null);
      best = Math.min(best, ((performance.now() - started) * 1000) / calls);
    }
    return best;
  } finally {
    fs.closeSync(fd);
  }
}

/** How the kernel says it handles Meltdown: "Mitigation: PTI" when it isolates page tables. */
function meltdown(): string | null {
  try {
    return fs.readFileSync("/sys/devices/system/cpu/vulnerabilities/meltdown", "utf8").trim();
  } catch {
    return null;
  }
}

/** The rows `cpu`, `kernel` and (unless left out) `machine load` of a bench's header. */
export function machineRows(options: { load?: boolean } = {}): string[][] {
  const cpus = os.cpus();
  const micros = systemCallMicros();
  const isolation = meltdown();
  const kernel = [
    micros === null ? null : `${fmt(micros, 2)} µs a system call (a 1-byte read)`,
    isolation === null
      ? null
      : /PTI/.test(isolation)
        ? "page-table isolation on (each system call flushes the TLB)"
        : `page-table isolation off (${isolation})`,
  ].filter((part) => part !== null);
  const rows = [
    ["cpu", `${cpus[0]?.model.trim() ?? "unknown"} × ${cpus.length}`],
    ["kernel", kernel.length > 0 ? kernel.join("; ") : "unknown"],
  ];
  if (options.load !== false)
    rows.push([
      "machine load",
      `${os
        .loadavg()
        .map((n) => fmt(n, 2))
        .join(", ")} (1, 5, 15 min) before the start`,
    ]);
  return rows;
}
