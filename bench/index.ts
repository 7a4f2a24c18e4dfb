/**
 * `npm run bench -- [part…]`: runs the named bench parts, or every part when none is named.
 * Each part is a script that prints figures; nothing here asserts.
 */
import { runEngineBench } from "./engine";

interface Part {
  about: string;
  run: () => Promise<void> | void;
}

const PARTS: Record<string, Part> = {
  engine: {
    about: "applied player actions per second, whole bot games per second, heap",
    run: runEngineBench,
  },
};

function usage(): string {
  const names = Object.keys(PARTS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    "usage: npm run bench -- [part…]",
    "",
    "parts:",
    ...names.map((name) => `  ${name.padEnd(width)}  ${PARTS[name]?.about ?? ""}`),
    "",
    "With no part, every part runs.",
  ].join("\n");
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(usage());
    return 0;
  }
  const unknown = args.filter((a) => !Object.hasOwn(PARTS, a));
  if (unknown.length > 0) {
    console.error(`unknown bench part: ${unknown.join(", ")}\n\n${usage()}`);
    return 2;
  }
  const names = args.length > 0 ? args : Object.keys(PARTS);
  for (const [i, name] of names.entries()) {
    if (i > 0) console.log("");
    console.log(`━━ ${name} ━━`);
    await PARTS[name]?.run();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
