/**
 * Command-line options of the bench parts: `--name value`, `--name=value`, and bare `--flag`s.
 * Anything else, an unknown name or a number out of range is refused with the part's usage.
 */
export interface BenchOptions {
  has(name: string): boolean;
  get(name: string): string | undefined;
  /** A whole number from `min` to `max`, or `fallback` when not given. */
  int(name: string, fallback: number, min: number, max: number): number;
}

export function parseBenchOptions(
  args: readonly string[],
  spec: { values: readonly string[]; flags?: readonly string[]; usage: string },
): BenchOptions {
  const flags = spec.flags ?? [];
  const given = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"\n\n${spec.usage}`);
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (flags.includes(name)) {
      given.set(name, true);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n\n${spec.usage}`);
    given.set(name, value);
  }
  for (const name of given.keys())
    if (!flags.includes(name) && !spec.values.includes(name))
      throw new Error(`unknown option --${name}\n\n${spec.usage}`);
  return {
    has: (name) => given.has(name),
    get: (name) => {
      const value = given.get(name);
      return value === true ? undefined : value;
    },
    int(name, fallback, min, max) {
      const raw = given.get(name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max)
        throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
      return n;
    },
  };
}
