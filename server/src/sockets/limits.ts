/**
 * Abuse limits. A token bucket per socket (about 10 events a second, bursts of 20); failed joins
 * per address (unknown room codes, wrong facilitator links), about 10 a minute, so room codes
 * cannot be guessed by brute force. Successful joins cost nothing: forty people behind one office
 * router all get in.
 */
import type { Clock } from "../clock";

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  take(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class FailedJoinLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly perWindow: number,
    private readonly windowMs = 60_000,
  ) {}

  private recent(address: string): number[] {
    const since = this.clock.now() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }

  /** Whether this address may try another join now. */
  allowed(address: string): boolean {
    return this.recent(address).length < this.perWindow;
  }

  fail(address: string): void {
    this.failures.set(address, [...this.recent(address), this.clock.now()]);
    // Addresses that failed once and never came back are swept, so the map cannot grow without end.
    if (this.failures.size > 1_000) for (const known of [...this.failures.keys()]) this.recent(known);
  }

  /** Seconds until the oldest failure leaves the window. */
  retryAfter(address: string): number {
    const oldest = this.recent(address)[0];
    return oldest === undefined ? 0 : Math.ceil((oldest + this.windowMs - this.clock.now()) / 1000);
  }
}
