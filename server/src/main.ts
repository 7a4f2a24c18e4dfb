/**
 * Starts Boxless: the only file that reads the environment.
 *
 *   PORT             port to listen on (default 3000)
 *   HOST             address to listen on (default 0.0.0.0, so phones on the LAN can reach it)
 *   DATA_DIR         where the SQLite database lives (default ./data)
 *   PUBLIC_URL       the address links and QR codes use (default: the address the browser used)
 *   ALLOWED_ORIGINS  comma-separated origins whose pages may open sockets besides this server's own
 *   TRUST_PROXY      "1" behind a reverse proxy: count per-address limits by X-Forwarded-For
 *   LOG_FORMAT       "text" (default), "json" or "silent"
 *   CLIENT_DIR       the built client (default client/dist)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "./app";
import { createLogger, type LogFormat } from "./logger";
import { SqliteRoomStore } from "./store/sqlite-store";

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
const store = new SqliteRoomStore(path.join(dataDir, "boxless.sqlite"));
const server = await createServer({
  store,
  logger,
  config: {
    clientDir: path.resolve(env.CLIENT_DIR ?? path.join(root, "client", "dist")),
    publicUrl: env.PUBLIC_URL ?? null,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY === "1",
  },
});
await server.listen(port, env.HOST ?? "0.0.0.0");
logger.info("server.ready", `Open http://localhost:${port} to host or join a game (data in ${dataDir})`, {
  port,
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info("server.stopping", `${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("server.stop_failed", String(error));
        process.exit(1);
      },
    );
  });
