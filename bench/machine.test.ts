import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { machineRows, systemCallMicros } from "./machine";

describe("the machine rows of a bench's header", () => {
  it("names the CPU and what a system call costs, and the load unless it is left out", () => {
    const rows = machineRows();
    expect(rows.map(([name]) => name)).toEqual(["cpu", "kernel", "machine load"]);
    expect(rows[0]?.[1]).toMatch(/ × \d+$/);
    expect(rows[1]?.[1]).toMatch(/^\d+\.\d\d µs a system call \(a 1-byte read\)/);
    expect(rows[2]?.[1]).toMatch(/^[\d.]+, [\d.]+, [\d.]+ \(1, 5, 15 min\) before the start$/);
    expect(machineRows({ load: false }).map(([name]) => name)).toEqual(["cpu", "kernel"]);
  });

  it("says whether the kernel isolates page tables, as the kernel reports it", () => {
    const file = "/sys/devices/system/cpu/vulnerabilities/meltdown";
    const kernel = machineRows({ load: false })[1]?.[1] ?? "";
    if (!fs.existsSync(file)) {
      expect(kernel).not.toContain("page-table isolation");
      return;
    }
    const reported = fs.readFileSync(file, "utf8");
    expect(kernel).toContain(
      /PTI/.test(reported) ? "page-table isolation on" : `page-table isolation off (${reported.trim()})`,
    );
  });

  it("times a real system call: more than nothing, far less than a millisecond", () => {
    const micros = systemCallMicros(10_000);
    expect(micros).not.toBeNull();
    expect(micros).toBeGreaterThan(0.01);
    expect(micros).toBeLessThan(1_000);
  });
});
