/**
 * The real server (`main.ts`) in a child process, started as `npm start` starts it, for tests that
 * kill it the hard way and for the benches.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SERVER_MAIN } from "../../../scripts/build-if-needed";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The Node options `npm start` gives the server (its heap sizes). */
export function serverNodeFlags(): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const command = (scripts.start ?? "").split("&&").find((part) => part.includes("server/dist/main.js"));
  if (!command) throw new Error('package.json\'s "start" script does not run server/dist/main.js');
  const words = command.trim().split(/\s+/);
  if (words[0] !== "node") return [];
  const flags: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith("--")) break;
    flags.push(word);
  }
  return flags;
}

/** `node` arguments that start the server as `npm start` does (its bundle must be built). */
export function serverArgs(): string[] {
  if (!fs.existsSync(SERVER_MAIN))
    throw new Error(`${SERVER_MAIN} is missing: run \`tsx scripts/build-if-needed.ts\` (npm test does)`);
  return [...serverNodeFlags(), SERVER_MAIN];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  process: ChildProcess;
  url: string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The environment a test or bench starts the server (or the relay) in: this process's, on
 * 127.0.0.1 at `port`, with its data in `dataDir` and no log; `extra` on top.
 */
export function serverEnv(
  port: number,
  dataDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_FORMAT: "silent",
    ...extra,
  };
}

export async function startChildServer(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, serverArgs(), {
    cwd: root,
    env: serverEnv(port, dataDir, env),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    process: child,
    url,
    kill: (signal = "SIGKILL") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
