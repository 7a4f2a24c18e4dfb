/**
 * A JSON answer, never cached: the API's, and the main process's `/healthz` when the server runs
 * as several processes (which loads nothing else from here).
 */
import type { ServerResponse } from "node:http";

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
