/**
 * One line per notable event: readable by default, JSON lines with `LOG_FORMAT=json`, nothing with
 * `silent` (tests). Every line has an event name, so JSON logs can be filtered by it.
 */
export type LogFormat = "text" | "json" | "silent";
export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
  error(event: string, message: string, fields?: LogFields): void;
}

export function createLogger(
  format: LogFormat,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  now: () => number = Date.now,
): Logger {
  const line = (level: LogLevel, event: string, message: string, fields: LogFields = {}) => {
    if (format === "silent") return;
    const time = new Date(now()).toISOString();
    if (format === "json") write(JSON.stringify({ time, level, event, message, ...fields }));
    else write(`${time} ${level === "info" ? "" : `${level.toUpperCase()} `}${message}`);
  };
  return {
    info: (event, message, fields) => line("info", event, message, fields),
    warn: (event, message, fields) => line("warn", event, message, fields),
    error: (event, message, fields) => line("error", event, message, fields),
  };
}
