/**
 * `npm run bench -- [part…] [--option…]`: runs the named bench parts, or every part but the long
 * ones (soak) when none is named. Options (everything from the first `--…` on) go to the parts
 * that take them. Each part is a script that prints figures; nothing here asserts.
 */

import { buildServerIfNeeded } from "../scripts/build-if-needed";
import { ALLHANDS_USAGE, runAllHandsBench } from "./allhands";
import { runEngineBench } from "./engine";
import { FUZZ_USAGE, runFuzzBench } from "./fuzz";
import { LOAD_USAGE, runLoadBench, runSaturationBench, runSoakBench } from "./load";
import { runPageBench } from "./page";
import { ROOMS_USAGE, runRoomsBench } from "./rooms";

interface Part {
  about: string;
  run: (options: readonly string[]) => Promise<void> | void;
  /** Only when named (too long for every run). */
  onlyNamed?: boolean;
}

const PARTS: Record<string, Part> = {
  engine: {
    about: "applied player actions per second, whole bot games per second, heap",
    run: runEngineBench,
  },
  rooms: {
    about: "the server's rooms in one process, no sockets: CPU, JSON bytes and pushes per action",
    run: runRoomsBench,
  },
  page: {
    about: "what the landing page and a player download (gzipped); host screen time to interactive",
    run: runPageBench,
  },
  load: {
    about: "the real server under many rooms of players vs a bare socket.io relay (takes ~4 min)",
    run: runLoadBench,
  },
  saturation: {
    about: "both targets at a rising pace until the ack p99 passes 100 ms (takes ~6 min)",
    run: runSaturationBench,
  },
  allhands: {
    about: "one room of 200 players in 40 teams with the host screen: reveal within 1 s? (~1 min)",
    run: runAllHandsBench,
  },
  soak: {
    about: "10 minutes of the load against the server: memory growth (only when named)",
    run: runSoakBench,
    onlyNamed: true,
  },
  fuzz: {
    about: "100,000 fuzzed messages at the real server: answers, disconnects, memory, still serving",
    run: runFuzzBench,
  },
};

function usage(): string {
  const names = Object.keys(PARTS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    "usage: npm run bench -- [part…] [--option…]",
    "",
    "parts:",
    ...names.map((name) => `  ${name.padEnd(width)}  ${PARTS[name]?.about ?? ""}`),
    "",
    "With no part, every part runs except soak.",
    "",
    ROOMS_USAGE,
    "",
    LOAD_USAGE,
    "",
    ALLHANDS_USAGE,
    "",
    FUZZ_USAGE,
  ].join("\n");
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(usage());
    return 0;
  }
  const firstOption = args.findIndex((a) => a.startsWith("-"));
  const named = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const unknown = named.filter((a) => !Object.hasOwn(PARTS, a));
  if (unknown.length > 0) {
    console.error(`unknown bench part: ${unknown.join(", ")}\n\n${usage()}`);
    return 2;
  }
  const names = named.length > 0 ? named : Object.keys(PARTS).filter((name) => !PARTS[name]?.onlyNamed);
  // The benches start the server as `npm start` does: from its bundle, built if out of date.
  if (!buildServerIfNeeded()) return 1;
  for (const [i, name] of names.entries()) {
    if (i > 0) console.log("");
    console.log(`━━ ${name} ━━`);
    try {
      await PARTS[name]?.run(options);
    } catch (error) {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
