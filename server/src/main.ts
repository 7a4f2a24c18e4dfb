/**
 * Starts Boxless: the only file that reads the environment.
 *
 *   PORT             port to listen on (default 3000)
 *   HOST             address to listen on (default 0.0.0.0, so phones on the LAN can reach it)
 *   DATA_DIR         where the SQLite database lives (default ./data)
 *   WORKERS          processes sharing the rooms (default: as many as DATA_DIR's files were
 *                    written by, else 1)
 *   PUBLIC_URL       the address links and QR codes use (default: the address the browser used)
 *   ALLOWED_ORIGINS  comma-separated origins whose pages may open sockets besides this server's own
 *   TRUST_PROXY      "1" behind a reverse proxy: count per-address limits by X-Forwarded-For
 *   LOG_FORMAT       "text" (default), "json" or "silent"
 *   CLIENT_DIR       the built client (default client/dist)
 *
 * With several processes this one only routes connections (cluster/router.ts) and answers
 * /healthz and /metrics for all (cluster/stats.ts); it starts this same program again for each
 * share of the rooms, with BOXLESS_SHARD set (cluster/workers.ts).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BoxlessServer } from "./app";
import { createRouter } from "./cluster/router";
import { dataFile, processesOf } from "./cluster/shards";
import { statsServer } from "./cluster/stats";
import { serveAsWorker, startWorkers, workerNodeFlags } from "./cluster/workers";
import { createLogger, type LogFormat } from "./logger";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const env = process.env;

function fail(message: string): never {
  console.error(`boxless: ${message}`);
  process.exit(2);
}

const port = Number(env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number, got "${env.PORT}"`);
const format = (env.LOG_FORMAT ?? "text") as LogFormat;
if (!["text", "json", "silent"].includes(format))
  fail(`LOG_FORMAT must be text, json or silent, got "${env.LOG_FORMAT}"`);
if (env.PUBLIC_URL && !/^https?:\/\//.test(env.PUBLIC_URL))
  fail(`PUBLIC_URL must start with http:// or https://, got "${env.PUBLIC_URL}"`);

const logger = createLogger(format);
const dataDir = path.resolve(env.DATA_DIR ?? path.join(root, "data"));

let written: number | null;
try {
  written = processesOf(dataDir);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const workers = env.WORKERS === undefined ? null : Number(env.WORKERS);
if (workers !== null && !(Number.isInteger(workers) && workers >= 1 && workers <= 16))
  fail(`WORKERS must be a whole number from 1 to 16, got "${env.WORKERS}"`);
if (workers !== null && written !== null && workers !== written)
  fail(
    `${dataDir} holds rooms written by ${written} process(es); start with WORKERS=${written}, or use another DATA_DIR`,
  );
const count = workers ?? written ?? 1;

/** A server of the rooms of share `shard` (all of them with one process). */
async function serve(shard: number): Promise<BoxlessServer> {
  // Imported here, so a main process that only routes does not load (and keep) it all.
  const [{ createServer }, { SqliteRoomStore }] = await Promise.all([
    import("./app"),
    import("./store/sqlite-store"),
  ]);
  return createServer({
    store: new SqliteRoomStore(dataFile(dataDir, shard, count)),
    logger,
    config: {
      clientDir: path.resolve(env.CLIENT_DIR ?? path.join(root, "client", "dist")),
      publicUrl: env.PUBLIC_URL ?? null,
      allowedOrigins: (env.ALLOWED_ORIGINS ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      trustProxy: env.TRUST_PROXY === "1",
      shard: { index: shard, count },
    },
  });
}

const host = env.HOST ?? "0.0.0.0";
let close: () => Promise<void>;
if (env.BOXLESS_SHARD !== undefined) {
  // A worker of a server of several: the main process hands it its connections.
  const server = await serve(Number(env.BOXLESS_SHARD));
  serveAsWorker(server, logger);
  close = () => server.close();
} else if (count === 1) {
  const server = await serve(0);
  await server.listen(port, host);
  close = () => server.close();
} else {
  const workers = startWorkers({
    count,
    logger,
    env: (index) => ({ ...env, WORKERS: String(count), BOXLESS_SHARD: String(index) }),
    execArgv: workerNodeFlags(process.execArgv, count),
  });
  try {
    await workers.ready;
  } catch (error) {
    await workers.stop();
    fail(error instanceof Error ? error.message : String(error));
  }
  const main = statsServer({
    processes: count,
    stats: (withMetrics) => workers.stats(withMetrics),
    startedAt: Date.now(),
  });
  const router = createRouter(workers.destinations, main, logger);
  await new Promise<void>((resolve, reject) => {
    router.once("error", reject);
    router.listen(port, host, resolve);
  });
  logger.info("server.listening", `Boxless listening on http://${host}:${port} (${count} processes)`, {
    port,
    processes: count,
  });
  close = async () => {
    router.close(); // no new connections (its callback would wait for the open ones)
    await workers.stop();
  };
}
if (env.BOXLESS_SHARD === undefined)
  logger.info("server.ready", `Open http://localhost:${port} to host or join a game (data in ${dataDir})`, {
    port,
  });

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info("server.stopping", `${signal}: stopping`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("server.stop_failed", String(error));
        process.exit(1);
      },
    );
  });
