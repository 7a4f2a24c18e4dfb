import { describe, expect, it } from "vitest";
import { workerNodeFlags } from "./workers";

describe("the Node flags each worker of WORKERS=N is started with", () => {
  const start = ["--enable-source-maps", "--max-semi-space-size=64", "--heap-growing-percent=100"];

  it("cuts the young generation to the worker's share of the actions, at most 16 MB", () => {
    expect(workerNodeFlags(start, 2)).toEqual([
      "--enable-source-maps",
      "--max-semi-space-size=16",
      "--heap-growing-percent=100",
    ]);
    expect(workerNodeFlags(["--max-semi-space-size=16"], 2)).toEqual(["--max-semi-space-size=8"]);
    expect(workerNodeFlags(["--max-semi-space-size=64"], 8)).toEqual(["--max-semi-space-size=8"]);
  });

  it("never goes below 4 MB, and keeps every other flag as it is", () => {
    expect(workerNodeFlags(["--max-semi-space-size=8"], 4)).toEqual(["--max-semi-space-size=4"]);
    expect(workerNodeFlags(["--no-concurrent-marking"], 2)).toEqual(["--no-concurrent-marking"]);
  });
});
