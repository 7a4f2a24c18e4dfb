/**
 * Prometheus metrics (`GET /metrics`): sockets, rooms, actions accepted and rejected by code, and the
 * time from a request's arrival to its ack. Each server has its own registry: nothing global.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  actions: Counter<"result" | "code">;
  ackSeconds: Histogram<"event">;
}

export function createMetrics(gauges: {
  sockets: () => number;
  rooms: () => number;
  players: () => number;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "boxless_" });
  new Gauge({
    name: "boxless_connected_sockets",
    help: "Sockets connected now",
    registers: [registry],
    collect() {
      this.set(gauges.sockets());
    },
  });
  new Gauge({
    name: "boxless_active_rooms",
    help: "Rooms held in memory whose game is not finished",
    registers: [registry],
    collect() {
      this.set(gauges.rooms());
    },
  });
  new Gauge({
    name: "boxless_connected_players",
    help: "Seats with a person connected now",
    registers: [registry],
    collect() {
      this.set(gauges.players());
    },
  });
  const actions = new Counter({
    name: "boxless_requests_total",
    help: "Requests answered, by result (accepted/rejected) and error code",
    labelNames: ["result", "code"] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: "boxless_ack_seconds",
    help: "Time from a request's arrival to its ack",
    labelNames: ["event"] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return { registry, actions, ackSeconds };
}
