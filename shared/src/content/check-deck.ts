/**
 * Checks a deck file before it reaches a table: its shape against the `Deck` schema, then the
 * references between its cards. Every problem is reported at once, each with the JSON path of the
 * value at fault and a sentence a facilitator can act on. Pure: no I/O, never throws on bad input.
 */
import { z } from "zod";
import { ActionCard, Deck, DUTIES, ROLES, type Role } from "../rules/vocabulary";

export interface DeckProblem {
  /** Where the problem is, as a JSON path: `$.actions[3].cost`, `$.handoffs[0].first.card`. */
  path: string;
  message: string;
}

export type DeckCheck = { ok: true; deck: Deck; summary: string } | { ok: false; problems: DeckProblem[] };

export interface DeckCheckOptions {
  /** Cards in a hand; `handSize - 1` of them come from the player's own role. Default 5. */
  handSize?: number;
}

const DEFAULT_HAND_SIZE = 5;

export function checkDeck(input: unknown, options: DeckCheckOptions = {}): DeckCheck {
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [
        {
          path: "$",
          message: `a deck is a JSON object with name, version, scenarios, actions and handoffs; got ${describe(input)}`,
        },
      ],
    };
  }
  const parsed = Deck.safeParse(input, { reportInput: true, error: sentenceFor });
  const problems = [
    ...(parsed.success ? [] : shapeProblems(Deck, parsed.error.issues, [])),
    ...referenceProblems(input, options.handSize ?? DEFAULT_HAND_SIZE),
  ];
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, deck: parsed.data, summary: summarize(parsed.data) };
}

/** One line per problem: `$.actions[3].cost: a cost is at most 6`. */
export function formatProblems(problems: readonly DeckProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join("\n");
}

function summarize(deck: Deck): string {
  const byRole = ROLES.map(
    (role) => `${role} ${deck.actions.filter((card) => card.role === role).length}`,
  ).join(", ");
  const investments = deck.actions.filter((card) => card.investment !== undefined).length;
  return (
    `Deck ${JSON.stringify(deck.name)}: ${count(deck.scenarios.length, "scenario")}, ` +
    `${count(deck.actions.length, "action card")} (${byRole}), ${count(investments, "investment")}, ` +
    `${count(deck.handoffs.length, "hand-off")} — OK`
  );
}

// ---------------------------------------------------------------------------------------------
// Shape: zod issues as sentences

type PathKey = PropertyKey;

function shapeProblems(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  base: readonly PathKey[],
): DeckProblem[] {
  return withoutEchoes(issues).flatMap((issue) => [
    ...problemsFrom(issue, base),
    ...overlongListItems(schema, issue, base),
  ]);
}

/** A value of the wrong kind also fails its size checks ("oops" is not two lines long); say it once. */
function withoutEchoes(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const wrongKind = new Set(issues.filter((i) => i.code === "invalid_type").map((i) => jsonPath(i.path)));
  return issues.filter((i) => i.code === "invalid_type" || !wrongKind.has(jsonPath(i.path)));
}

/**
 * zod does not look inside a list that is longer than its maximum, so the items of a twist with
 * four effects would go unchecked; check them here so that every problem is still reported.
 */
function overlongListItems(
  schema: z.ZodType,
  issue: z.core.$ZodIssue,
  base: readonly PathKey[],
): DeckProblem[] {
  if (issue.code !== "too_big" || issue.origin !== "array" || !Array.isArray(issue.input)) return [];
  const list = schemaAt(schema, issue.path);
  if (!(list instanceof z.ZodArray)) return [];
  const element = list.element as z.ZodType;
  return issue.input.flatMap((item: unknown, index) => {
    const result = element.safeParse(item, { reportInput: true, error: sentenceFor });
    return result.success ? [] : shapeProblems(element, result.error.issues, [...base, ...issue.path, index]);
  });
}

/** The schema that checks the value at `path`, following objects, optionals and lists only. */
function schemaAt(schema: unknown, path: readonly PathKey[]): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return schema;
  if (schema instanceof z.ZodOptional) return schemaAt(schema.unwrap(), path);
  if (schema instanceof z.ZodObject && typeof key === "string") return schemaAt(schema.shape[key], rest);
  if (schema instanceof z.ZodArray && typeof key === "number") return schemaAt(schema.element, rest);
  return undefined;
}

/**
 * Turns one zod issue into problems. Unknown fields become one problem each, at the field's own
 * path; a union that one option clearly fits reports that option's problems instead of "no match".
 */
function problemsFrom(issue: z.core.$ZodIssue, base: readonly PathKey[]): DeckProblem[] {
  const path = [...base, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: jsonPath([...path, key]),
      message: issue.message,
    }));
  }
  if (issue.code === "invalid_union" && issue.discriminator === undefined) {
    const fitting = issue.errors.filter((branch) => branch.every((i) => !isStructural(i)));
    const [only] = fitting;
    if (fitting.length === 1 && only) return withoutEchoes(only).flatMap((i) => problemsFrom(i, path));
  }
  return [{ path: jsonPath(path), message: issue.message }];
}

/** An issue saying the value is the wrong kind of thing altogether, rather than a wrong detail. */
function isStructural(issue: z.core.$ZodIssue): boolean {
  if (issue.path.length === 0) return true;
  const missing = issue.input === undefined;
  return missing && (issue.code === "invalid_type" || issue.code === "invalid_value");
}

/**
 * The error map used for every issue whose schema has no message of its own. Custom messages in
 * the vocabulary ("a cost is at most 6") take precedence over it.
 */
function sentenceFor(issue: z.core.$ZodRawIssue): string {
  const got = issue.input;
  switch (issue.code) {
    case "invalid_type": {
      if (issue.expected === "int") return `must be a whole number; got ${describe(got)}`;
      const wanted = KIND_NAMES[issue.expected] ?? issue.expected;
      return got === undefined
        ? `is missing; it should be ${wanted}`
        : `should be ${wanted}; got ${describe(got)}`;
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const wanted = allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of ${allowed.join(", ")}`;
      return got === undefined ? `is missing; it ${wanted}` : `${wanted}; got ${describe(got)}`;
    }
    case "too_small":
      return sizeSentence(
        "at least",
        "more than",
        issue.minimum,
        issue.inclusive,
        issue.exact,
        issue.origin,
        got,
      );
    case "too_big":
      return sizeSentence(
        "at most",
        "less than",
        issue.maximum,
        issue.inclusive,
        issue.exact,
        issue.origin,
        got,
      );
    case "invalid_format":
      return issue.format === "regex" && issue.pattern
        ? `does not match the pattern ${issue.pattern}; got ${describe(got)}`
        : `is not a valid ${issue.format}; got ${describe(got)}`;
    case "unrecognized_keys": {
      const known = objectKeys(issue.inst);
      return known.length > 0 ? `unknown field; the fields here are ${known.join(", ")}` : "unknown field";
    }
    case "invalid_union":
      return unionSentence(issue, got);
    default:
      return `is not valid; got ${describe(got)}`;
  }
}

const KIND_NAMES: Partial<Record<string, string>> = {
  string: "text (a string)",
  number: "a number",
  boolean: "true or false",
  object: "an object",
  array: "a list (an array)",
};

function sizeSentence(
  bound: string,
  strictBound: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
  origin: string,
  got: unknown,
): string {
  const which = exact ? "exactly" : inclusive === false ? strictBound : bound;
  if (origin === "string") {
    const length = typeof got === "string" ? got.trim().length : 0;
    if (limit === 1 && which === "at least") return "cannot be empty";
    return `must be ${which} ${count(Number(limit), "character")} long; it has ${length}`;
  }
  if (origin === "array") {
    const length = Array.isArray(got) ? got.length : 0;
    return `must have ${which} ${count(Number(limit), "item")}; it has ${length}`;
  }
  return `must be ${which} ${limit}; got ${describe(got)}`;
}

function unionSentence(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>, got: unknown): string {
  const discriminator = issue.discriminator;
  const options: unknown = "options" in issue ? issue.options : undefined;
  if (discriminator !== undefined && Array.isArray(options)) {
    const value = isRecord(got) ? got[discriminator] : undefined;
    const allowed = options.map((o: unknown) => JSON.stringify(o)).join(", ");
    return value === undefined
      ? `is missing; it must be one of ${allowed}`
      : `must be one of ${allowed}; got ${describe(value)}`;
  }
  const forms = unionOptions(issue.inst).map((keys) => `{ ${keys.map((k) => `"${k}": …`).join(", ")} }`);
  if (forms.length === 0) return `matches none of the allowed forms; got ${describe(got)}`;
  return `must be ${forms.join(" or ")}; got ${describe(got)}`;
}

/** The field names of a zod object schema, read from the schema that raised an issue. */
function objectKeys(schema: unknown): string[] {
  const shape = defOf(schema)?.shape;
  return isRecord(shape) ? Object.keys(shape) : [];
}

function unionOptions(schema: unknown): string[][] {
  const options = defOf(schema)?.options;
  return Array.isArray(options) ? options.map(objectKeys).filter((keys) => keys.length > 0) : [];
}

function defOf(schema: unknown): Record<string, unknown> | undefined {
  if (!isRecord(schema) || !isRecord(schema._zod)) return undefined;
  const def = schema._zod.def;
  return isRecord(def) ? def : undefined;
}

// ---------------------------------------------------------------------------------------------
// References between cards, checked on whatever parts of the input are readable

function referenceProblems(deck: Record<string, unknown>, handSize: number): DeckProblem[] {
  const scenarios = records(deck.scenarios);
  const actions = records(deck.actions);
  const handoffs = records(deck.handoffs);
  return [
    ...duplicateIds(scenarios, "scenarios", "scenario"),
    ...duplicateIds(actions, "actions", "action card"),
    ...duplicateIds(handoffs, "handoffs", "hand-off"),
    ...handoffReferences(handoffs, Array.isArray(deck.actions) ? actions : undefined),
    ...roleSizes(actions, Array.isArray(deck.actions) && deck.actions.length > 0, handSize),
    ...emptyDemands(scenarios),
  ];
}

type Entry = readonly [index: number, item: Record<string, unknown>];

/** The elements of a list that are objects, with their positions; nothing if it is not a list. */
function records(list: unknown): Entry[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index) => (isRecord(item) ? [[index, item] as const] : []));
}

function duplicateIds(entries: readonly Entry[], list: string, kind: string): DeckProblem[] {
  const firstAt = new Map<string, number>();
  const problems: DeckProblem[] = [];
  for (const [index, item] of entries) {
    if (typeof item.id !== "string") continue;
    const first = firstAt.get(item.id);
    if (first === undefined) firstAt.set(item.id, index);
    else
      problems.push({
        path: jsonPath([list, index, "id"]),
        message: `${kind} id "${item.id}" is already used by ${jsonPath([list, first])}`,
      });
  }
  return problems;
}

function handoffReferences(handoffs: readonly Entry[], actions: readonly Entry[] | undefined): DeckProblem[] {
  const cardIds = actions?.flatMap(([, card]) => (typeof card.id === "string" ? [card.id] : []));
  const known = cardIds ? new Set(cardIds) : undefined;
  const problems: DeckProblem[] = [];
  for (const [index, handoff] of handoffs) {
    const first = namedCard(handoff.first);
    const second = namedCard(handoff.second);
    for (const [half, id] of [
      ["first", first],
      ["second", second],
    ] as const) {
      if (id === undefined || !known || known.has(id)) continue;
      const near = closest(id, [...known]);
      problems.push({
        path: jsonPath(["handoffs", index, half, "card"]),
        message: `no action card has the id "${id}"${near ? `; did you mean "${near}"?` : ""}`,
      });
    }
    if (first !== undefined && first === second) {
      problems.push({
        path: jsonPath(["handoffs", index, "second", "card"]),
        message: `both halves of the hand-off are the card "${first}"; a hand-off joins two different cards`,
      });
    }
  }
  return problems;
}

/** The card id a hand-off half names, if it names one that is a well-formed id. */
function namedCard(half: unknown): string | undefined {
  if (!isRecord(half) || typeof half.card !== "string") return undefined;
  return ActionCard.shape.id.safeParse(half.card).success ? half.card : undefined;
}

/** Only for a non-empty list of cards: an empty one has a problem of its own already. */
function roleSizes(actions: readonly Entry[], hasCards: boolean, handSize: number): DeckProblem[] {
  if (!hasCards) return [];
  const needed = handSize - 1;
  const counts = new Map<Role, number>(ROLES.map((role) => [role, 0]));
  for (const [, card] of actions) {
    const role = ROLES.find((r) => r === card.role);
    if (role) counts.set(role, (counts.get(role) ?? 0) + 1);
  }
  return ROLES.flatMap((role) => {
    const has = counts.get(role) ?? 0;
    return has >= needed
      ? []
      : [{ path: "$.actions", message: `role ${role} has ${count(has, "card")} but a hand needs ${needed}` }];
  });
}

function emptyDemands(scenarios: readonly Entry[]): DeckProblem[] {
  return scenarios.flatMap(([index, scenario]) => {
    const demands = scenario.demands;
    if (!isRecord(demands) || !DUTIES.every((duty) => demands[duty] === 0)) return [];
    const which = typeof scenario.id === "string" ? `scenario "${scenario.id}"` : "this scenario";
    return [
      {
        path: jsonPath(["scenarios", index, "demands"]),
        message: `${which} demands nothing; at least one duty needs a demand above 0`,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `$`, `$.actions[3].cost`, `$["odd key"]`. */
function jsonPath(path: readonly PathKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${out}.${name}` : `${out}[${JSON.stringify(name)}]`;
  }, "$");
}

/** What a value is, for "got …" in a sentence: `the text "3"`, `the number 1.5`, `a list`. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value))
    return value.length === 0 ? "an empty list" : `a list of ${count(value.length, "item")}`;
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return value === "" ? "empty text" : `the text ${JSON.stringify(shown)}`;
  }
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  if (isRecord(value)) {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an empty object" : `an object with ${keys.join(", ")}`;
  }
  return typeof value;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The one known id nearest to a misspelt one, if it is close enough to be a likely typo. */
function closest(id: string, known: readonly string[]): string | undefined {
  const tolerance = Math.min(2, Math.floor(id.length / 4));
  const near = known
    .map((candidate) => ({ candidate, distance: editDistance(id, candidate) }))
    .filter(({ distance }) => distance <= tolerance)
    .sort((a, b) => a.distance - b.distance);
  const [best, next] = near;
  return best && (!next || next.distance > best.distance) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitute));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
