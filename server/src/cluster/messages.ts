/** What the processes of one server say to each other over their IPC channel. */
import type { MetricObjectWithValues, MetricValue } from "prom-client";

/** One process's figures for `/healthz`, and its metrics when they were asked for (`/metrics`). */
export interface ProcessStats {
  rooms: number;
  sockets: number;
  players: number;
  metrics: MetricObjectWithValues<MetricValue<string>>[] | null;
}

/** From the main process to a worker. A `connection` comes with the socket as its handle. */
export type ToWorker = { type: "connection"; head: string } | { type: "stats"; id: number; metrics: boolean };

/** From a worker to the main process. */
export type FromWorker = { type: "ready" } | { type: "stats"; id: number; stats: ProcessStats };
