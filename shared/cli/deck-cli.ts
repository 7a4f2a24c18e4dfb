/**
 * The deck tool for facilitators and deck authors: `npm run deck -- <command>`. All of its logic is
 * here, with files and output passed in, so that tests drive it without a process; deck.ts wires it
 * to the real file system, standard output and exit code.
 *
 * Exit codes: 0 done, 1 the deck has problems or cannot be read, 2 the command line is wrong.
 */
import { builtinDeck } from "../src/content/builtin-deck";
import { checkDeck, type DeckCheck, formatProblems } from "../src/content/check-deck";
import { deckJsonSchema } from "../src/content/deck-json-schema";
import { formatSimulationReport, simulateDeck } from "../src/rules/simulate";

export interface DeckCliIo {
  /** The text of a file; throws (with a Node-style `code` such as ENOENT) when it cannot be read. */
  readFile(path: string): string;
  /** Writes a line to standard output. */
  out(text: string): void;
  /** Writes a line to standard error. */
  err(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_DECK_PROBLEM = 1;
export const EXIT_USAGE = 2;

const BUILTIN = "builtin";
const GAMES = { default: 200, min: 1, max: 100_000 };
const DEFAULT_SEED = 1;

export const USAGE = `Usage: npm run deck -- <command>

Commands:
  check FILE                 check a deck file: every problem with its JSON path, or a one-line summary
  export builtin             print the built-in deck as a deck file, a starting point for your own
  schema                     print the JSON Schema of deck files (for editors)
  simulate FILE|builtin [--games N] [--seed S]
                             check a deck, then play N bot games from seed S and report how the deck
                             plays (default --games ${GAMES.default} --seed ${DEFAULT_SEED})

FILE may also be "builtin" for the built-in deck.`;

export function runDeckCli(argv: readonly string[], io: DeckCliIo): number {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(USAGE);
      return EXIT_OK;
    case "check":
      return check(args, io);
    case "export":
      return exportDeck(args, io);
    case "schema":
      return schema(args, io);
    case "simulate":
      return simulate(args, io);
    default:
      io.err(`deck: unknown command "${command}"`);
      io.err(USAGE);
      return EXIT_USAGE;
  }
}

function check(args: readonly string[], io: DeckCliIo): number {
  const [source, ...extra] = args;
  if (source === undefined || extra.length > 0)
    return usageError("check", "give one deck file: deck check FILE", io);
  const checked = loadDeck("check", source, io);
  if (!checked) return EXIT_DECK_PROBLEM;
  io.out(checked.summary);
  return EXIT_OK;
}

function exportDeck(args: readonly string[], io: DeckCliIo): number {
  if (args.length !== 1 || args[0] !== BUILTIN) {
    return usageError("export", "only the built-in deck can be exported: deck export builtin", io);
  }
  io.out(JSON.stringify(builtinDeck, null, 2));
  return EXIT_OK;
}

function schema(args: readonly string[], io: DeckCliIo): number {
  if (args.length > 0) return usageError("schema", "takes no arguments", io);
  io.out(JSON.stringify(deckJsonSchema(), null, 2));
  return EXIT_OK;
}

function simulate(args: readonly string[], io: DeckCliIo): number {
  const parsed = simulateArgs(args);
  if (typeof parsed === "string") return usageError("simulate", parsed, io);
  const checked = loadDeck("simulate", parsed.source, io);
  if (!checked) return EXIT_DECK_PROBLEM;
  io.out(formatSimulationReport(simulateDeck(checked.deck, { games: parsed.games, seed: parsed.seed })));
  return EXIT_OK;
}

interface SimulateArgs {
  source: string;
  games: number;
  seed: number;
}

/** The simulate command's arguments, or a sentence saying what is wrong with them. */
function simulateArgs(args: readonly string[]): SimulateArgs | string {
  const sources: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("--")) {
      sources.push(arg);
      continue;
    }
    const [name = "", inline] = arg.split(/=(.*)/s);
    if (name !== "--games" && name !== "--seed")
      return `unknown option ${name}; the options are --games and --seed`;
    const value = inline ?? args[++i];
    if (value === undefined || value === "") return `${name} needs a value`;
    options.set(name, value);
  }
  const [source, ...extra] = sources;
  if (source === undefined || extra.length > 0)
    return "give one deck: deck simulate FILE|builtin [--games N] [--seed S]";

  const gamesText = options.get("--games");
  const games = gamesText === undefined ? GAMES.default : wholeNumber(gamesText);
  if (games === undefined || games < GAMES.min || games > GAMES.max) {
    return `--games must be a whole number from ${GAMES.min} to ${GAMES.max}; got "${gamesText}"`;
  }
  const seedText = options.get("--seed");
  const seed = seedText === undefined ? DEFAULT_SEED : wholeNumber(seedText);
  if (seed === undefined) return `--seed must be an integer; got "${seedText}"`;
  return { source, games, seed };
}

function wholeNumber(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function usageError(command: string, sentence: string, io: DeckCliIo): number {
  io.err(`deck ${command}: ${sentence}`);
  return EXIT_USAGE;
}

/**
 * Reads, parses and checks a deck. On any failure it has already told the user (one line for a
 * file that cannot be read or parsed, one line per problem for a deck that does not check out).
 */
function loadDeck(
  command: string,
  source: string,
  io: DeckCliIo,
): Extract<DeckCheck, { ok: true }> | undefined {
  const input = source === BUILTIN ? builtinDeck : readJson(command, source, io);
  if (input === undefined) return undefined;
  const checked = checkDeck(input);
  if (checked.ok) return checked;
  io.out(formatProblems(checked.problems));
  const n = checked.problems.length;
  io.err(`deck ${command}: ${source} has ${n} problem${n === 1 ? "" : "s"}`);
  return undefined;
}

/** The parsed JSON of a file, or undefined after saying in one line why there is none. */
function readJson(command: string, path: string, io: DeckCliIo): unknown {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    io.err(`deck ${command}: cannot read ${path}: ${readFailure(error)}`);
    return undefined;
  }
  const json = text.replace(/^\uFEFF/, "");
  if (json.trim() === "") {
    io.err(`deck ${command}: ${path} is empty; a deck file is a JSON object`);
    return undefined;
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    io.err(`deck ${command}: ${path} is not valid JSON: ${jsonFailure(json, error)}`);
    return undefined;
  }
}

function readFailure(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "it is a directory, not a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return firstLine(error);
  }
}

/** Where and why a text is not JSON, the same way on every Node version: `Unexpected token } at line 3 column 5`. */
function jsonFailure(text: string, error: unknown): string {
  const at = firstJsonError(text);
  if (at === undefined) return firstLine(error);
  if (at >= text.length) return "the file ends in the middle of a value (a missing } or ]?)";
  const char = text[at] ?? "";
  const what =
    char === "\n" || char === "\r" ? "line break" : char.trim() === "" ? "whitespace" : `token ${char}`;
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  const hint =
    /,\s*$/.test(before) && (char === "}" || char === "]") ? " (a comma before it has nothing after it)" : "";
  return `Unexpected ${what} at line ${line} column ${column}${hint}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

/** The offset of the first character that makes `text` not JSON (its length if it ends too soon). */
function firstJsonError(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const space = () => {
    while (/[ \t\n\r]/.test(text[i] ?? "")) i++;
  };
  const expect = (char: string) => {
    if (text[i] !== char) fail();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < " ") fail();
      i++;
      if (c === '"') return;
      if (c === "\\") {
        if (text[i] === "u") i = /^u[0-9a-fA-F]{4}/.test(text.slice(i, i + 5)) ? i + 5 : fail();
        else if (/["\\/bfnrt]/.test(text[i] ?? "")) i++;
        else fail();
      }
    }
  };
  const sequence = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      space();
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(",");
    }
  };
  const member = () => {
    string();
    space();
    expect(":");
    value();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") sequence("}", member);
    else if (c === "[") sequence("]", value);
    else if (c === '"') string();
    else {
      const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
        text.slice(i, i + 400),
      );
      i += literal ? literal[0].length : fail();
    }
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (stop) {
    if (stop instanceof JsonStop) return stop.at;
    throw stop;
  }
}

class JsonStop {
  constructor(readonly at: number) {}
}
