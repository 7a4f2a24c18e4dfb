import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builtinDeck } from "../src/content/builtin-deck";
import { checkDeck } from "../src/content/check-deck";
import { deckJsonSchema } from "../src/content/deck-json-schema";
import { formatSimulationReport, simulateDeck } from "../src/rules/simulate";
import { runDeckCli } from "./deck-cli";

const BUILTIN_JSON = JSON.stringify(builtinDeck, null, 2);
const BUILTIN_SUMMARY = (() => {
  const result = checkDeck(builtinDeck);
  if (!result.ok) throw new Error("the built-in deck must check out");
  return result.summary;
})();

/** Runs the CLI against in-memory files; `null` stands for a directory. */
function run(argv: string[], files: Record<string, string | null> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runDeckCli(argv, {
    readFile(path) {
      const content = files[path];
      if (typeof content === "string") return content;
      const [code, what] =
        content === null ? ["EISDIR", "illegal operation on a directory"] : ["ENOENT", "no such file"];
      throw Object.assign(new Error(`${code}: ${what}, open '${path}'`), { code });
    },
    out: (text) => out.push(...text.split("\n")),
    err: (text) => err.push(...text.split("\n")),
  });
  return { code, out, err };
}

/** The built-in deck with a cost of the wrong type, a card added twice and a hand-off to an unknown card. */
function brokenDeck(): string {
  const deck = structuredClone(builtinDeck) as unknown as Record<string, Record<string, unknown>[]>;
  const [first] = deck.actions ?? [];
  const [handoff] = deck.handoffs ?? [];
  if (!first || !handoff) throw new Error("the built-in deck has cards and hand-offs");
  deck.actions?.push({ ...first });
  first.cost = "cheap";
  handoff.first = { card: "no-such-card" };
  return JSON.stringify(deck);
}

describe("deck check", () => {
  it("prints the one-line summary of a good deck and exits 0", () => {
    expect(run(["check", "classic.json"], { "classic.json": BUILTIN_JSON })).toEqual({
      code: 0,
      out: [BUILTIN_SUMMARY],
      err: [],
    });
  });

  it("prints every problem with its path and exits 1", () => {
    const { code, out, err } = run(["check", "broken.json"], { "broken.json": brokenDeck() });
    const copy = builtinDeck.actions.length;
    expect(code).toBe(1);
    expect(out).toEqual([
      '$.actions[0].cost: should be a number; got the text "cheap"',
      `$.actions[${copy}].id: action card id "${builtinDeck.actions[0]?.id}" is already used by $.actions[0]`,
      '$.handoffs[0].first.card: no action card has the id "no-such-card"',
    ]);
    expect(err).toEqual(["deck check: broken.json has 3 problems"]);
  });

  it("says in one line that a file is missing, with no stack trace", () => {
    const { code, out, err } = run(["check", "missing.json"]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual(["deck check: cannot read missing.json: no such file"]);
    expect(err.join("\n")).not.toMatch(/\bat /);
  });

  it("says in one line that a path is a directory", () => {
    expect(run(["check", "decks"], { decks: null })).toEqual({
      code: 1,
      out: [],
      err: ["deck check: cannot read decks: it is a directory, not a file"],
    });
  });

  it("says in one line where a file stops being JSON", () => {
    const text = '{\n  "name": "Mine",\n    }\n';
    expect(run(["check", "my.json"], { "my.json": text })).toEqual({
      code: 1,
      out: [],
      err: [
        "deck check: my.json is not valid JSON: Unexpected token } at line 3 column 5 (a comma before it has nothing after it)",
      ],
    });
    expect(run(["check", "cut.json"], { "cut.json": BUILTIN_JSON.slice(0, 500) }).err).toEqual([
      "deck check: cut.json is not valid JSON: the file ends in the middle of a value (a missing } or ]?)",
    ]);
    expect(run(["check", "empty.json"], { "empty.json": " \n" }).err).toEqual([
      "deck check: empty.json is empty; a deck file is a JSON object",
    ]);
  });

  it("reads a file saved with a byte-order mark", () => {
    expect(run(["check", "bom.json"], { "bom.json": `\uFEFF${BUILTIN_JSON}` }).code).toBe(0);
  });

  it("asks for exactly one file", () => {
    expect(run(["check"])).toEqual({
      code: 2,
      out: [],
      err: ["deck check: give one deck file: deck check FILE"],
    });
    expect(run(["check", "a.json", "b.json"]).code).toBe(2);
  });
});

describe("deck export", () => {
  it("prints the built-in deck as a deck file that checks out", () => {
    const exported = run(["export", "builtin"]);
    expect(exported.code).toBe(0);
    const text = exported.out.join("\n");
    expect(JSON.parse(text)).toEqual(builtinDeck);
    expect(run(["check", "exported.json"], { "exported.json": text })).toEqual({
      code: 0,
      out: [BUILTIN_SUMMARY],
      err: [],
    });
  });

  it("exports nothing but the built-in deck", () => {
    expect(run(["export", "mine.json"])).toEqual({
      code: 2,
      out: [],
      err: ["deck export: only the built-in deck can be exported: deck export builtin"],
    });
  });
});

describe("deck schema", () => {
  it("prints the JSON Schema", () => {
    const { code, out } = run(["schema"]);
    expect(code).toBe(0);
    expect(JSON.parse(out.join("\n"))).toEqual(deckJsonSchema());
  });
});

describe("deck simulate", () => {
  it("checks the deck, then prints the simulation report", () => {
    const { code, out, err } = run(["simulate", "classic.json", "--games", "2", "--seed=7"], {
      "classic.json": BUILTIN_JSON,
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out.join("\n")).toBe(formatSimulationReport(simulateDeck(builtinDeck, { games: 2, seed: 7 })));
  });

  it("does not simulate a deck with problems", () => {
    const { code, out, err } = run(["simulate", "broken.json"], { "broken.json": brokenDeck() });
    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(err).toEqual(["deck simulate: broken.json has 3 problems"]);
  });

  it.each([
    [["--games", "0"], '--games must be a whole number from 1 to 100000; got "0"'],
    [["--games", "100001"], '--games must be a whole number from 1 to 100000; got "100001"'],
    [["--games=lots"], '--games must be a whole number from 1 to 100000; got "lots"'],
    [["--seed", "1.5"], '--seed must be an integer; got "1.5"'],
    [["--seed"], "--seed needs a value"],
    [["--speed", "3"], "unknown option --speed; the options are --games and --seed"],
  ])("rejects %j in one line", (options, sentence) => {
    expect(run(["simulate", "builtin", ...options])).toEqual({
      code: 2,
      out: [],
      err: [`deck simulate: ${sentence}`],
    });
  });
});

describe("the command line", () => {
  it("prints usage when given no command", () => {
    const { code, out, err } = run([]);
    expect(code).toBe(0);
    expect(out[0]).toBe("Usage: npm run deck -- <command>");
    expect(err).toEqual([]);
  });

  it("prints usage to stderr and exits 2 for an unknown command", () => {
    const { code, out, err } = run(["shuffle"]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.slice(0, 2)).toEqual(['deck: unknown command "shuffle"', "Usage: npm run deck -- <command>"]);
  });

  it("is wired to the real file system, output and exit code", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "boxless-deck-"));
    try {
      const good = join(dir, "classic.json");
      writeFileSync(good, BUILTIN_JSON);
      const cli = (file: string) =>
        spawnSync("npx", ["tsx", "shared/cli/deck.ts", "check", file], { cwd: root, encoding: "utf8" });
      // npm may warn about its own configuration on stderr; only the deck tool's lines matter here.
      const own = (stderr: string) =>
        stderr.split("\n").filter((line) => line !== "" && !line.startsWith("npm warn"));

      const passed = cli(good);
      expect({ status: passed.status, stdout: passed.stdout, stderr: own(passed.stderr) }).toEqual({
        status: 0,
        stdout: `${BUILTIN_SUMMARY}\n`,
        stderr: [],
      });

      const missing = join(dir, "missing.json");
      const failed = cli(missing);
      expect({ status: failed.status, stdout: failed.stdout, stderr: own(failed.stderr) }).toEqual({
        status: 1,
        stdout: "",
        stderr: [`deck check: cannot read ${missing}: no such file`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
