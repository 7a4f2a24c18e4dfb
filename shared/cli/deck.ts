/**
 * `npm run deck -- <command>`: wires the deck tool (deck-cli.ts) to the file system, standard
 * output and the exit code. Nothing else lives here.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { runDeckCli } from "./deck-cli";

// `npm run` starts scripts in the project root; read files relative to where the user typed the command.
const cwd = process.env.INIT_CWD ?? process.cwd();

// Piping into `head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// Setting exitCode rather than calling process.exit lets long output drain into a pipe first.
process.exitCode = runDeckCli(process.argv.slice(2), {
  readFile: (path) => readFileSync(resolve(cwd, path), "utf8"),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
