import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NonceRegistryOptions {
  /** How long a nonce may be used before the server answers `stale=true`. */
  lifetimeMs: number;
  now: () => number;
  /**
   * Upper bound on remembered nonces, so a client that keeps asking for challenges cannot grow
   * memory without limit. @default 10_000
   */
  maxTracked?: number;
}

export type NonceCountVerdict = 'accepted' | 'replayed' | 'forgotten';

const TIME_BYTES = 8;
const RANDOM_BYTES = 16;
const MAC_BYTES = 16;

/**
 * Issues Digest nonces and remembers, per nonce, the highest nonce count (`nc`) seen.
 *
 * Like Apache mod_auth_digest, a nonce carries its issue time and a MAC made with a per-server
 * secret, so the server can tell "issued by me, now expired" (answer `stale=true`, the client
 * retries with the fresh nonce) from "never issued by me" (plain 401) even after it has
 * forgotten the nonce's state. Expired nonces are forgotten as new ones are issued.
 */
export class NonceRegistry {
  readonly #secret = randomBytes(32);
  readonly #highestCount = new Map<string, { issuedAt: number; highestNc: number }>();
  readonly #lifetimeMs: number;
  readonly #now: () => number;
  readonly #maxTracked: number;

  constructor(options: NonceRegistryOptions) {
    this.#lifetimeMs = options.lifetimeMs;
    this.#now = options.now;
    this.#maxTracked = options.maxTracked ?? 10_000;
  }

  issue(): string {
    const now = this.#now();
    this.#forgetExpired(now);
    const time = Buffer.alloc(TIME_BYTES);
    time.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))));
    const random = randomBytes(RANDOM_BYTES);
    const nonce = Buffer.concat([time, random, this.#mac(time, random)]).toString('base64');
    this.#highestCount.set(nonce, { issuedAt: now, highestNc: 0 });
    // Map iteration is insertion order, so the first key is the oldest nonce.
    while (this.#highestCount.size > this.#maxTracked) {
      const oldest = this.#highestCount.keys().next().value;
      if (oldest === undefined) break;
      this.#highestCount.delete(oldest);
    }
    return nonce;
  }

  /** The issue time of a nonce this server made, or undefined for anything else. */
  issuedAt(nonce: string): number | undefined {
    const bytes = Buffer.from(nonce, 'base64');
    if (bytes.length !== TIME_BYTES + RANDOM_BYTES + MAC_BYTES || bytes.toString('base64') !== nonce) {
      return undefined;
    }
    const time = bytes.subarray(0, TIME_BYTES);
    const random = bytes.subarray(TIME_BYTES, TIME_BYTES + RANDOM_BYTES);
    const mac = bytes.subarray(TIME_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(mac, this.#mac(time, random))) return undefined;
    return Number(time.readBigUInt64BE());
  }

  isExpired(issuedAt: number): boolean {
    return this.#now() - issuedAt > this.#lifetimeMs;
  }

  /**
   * Records a use of `nonce` with count `nc`. A count not strictly above the highest one seen is a
   * replay. `forgotten` means the nonce was valid but dropped by the size bound; the server asks
   * for a fresh nonce (stale) rather than risk accepting a replay.
   */
  recordCount(nonce: string, nc: number): NonceCountVerdict {
    const state = this.#highestCount.get(nonce);
    if (state === undefined) return 'forgotten';
    if (nc <= state.highestNc) return 'replayed';
    state.highestNc = nc;
    return 'accepted';
  }

  /** How many nonces currently have remembered state (for tests of the bound). */
  get trackedCount(): number {
    return this.#highestCount.size;
  }

  #forgetExpired(now: number): void {
    // Nonces are inserted in issue order and share one lifetime, so the expired ones are at the
    // front; stop at the first live one. (An injected clock moving backwards only delays this.)
    for (const [nonce, state] of this.#highestCount) {
      if (now - state.issuedAt <= this.#lifetimeMs) break;
      this.#highestCount.delete(nonce);
    }
  }

  #mac(time: Buffer, random: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(time).update(random).digest().subarray(0, MAC_BYTES);
  }
}
