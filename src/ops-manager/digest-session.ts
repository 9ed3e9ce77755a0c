import type { DigestChallenge } from './digest-challenge.ts';

/**
 * What the client knows about one server nonce.
 *
 * `trial` records whether the server has accepted an answer signed with this nonce yet. It decides
 * two things: whether other requests may use the nonce (not while its first answer is in flight,
 * see NonceScheduler), and what a refusal means (once the nonce has been accepted, a refusal can
 * only be about the nonce count, not about the nonce or the credentials).
 */
export class NonceSession {
  #count = 0;
  trial: 'pending' | 'accepted' | 'refused' = 'pending';

  constructor(readonly challenge: DigestChallenge) {}

  /**
   * The next nonce count, as 8 hex digits. Taken synchronously at the moment a request is signed,
   * so concurrent requests can never share a count and counts rise in the order requests are sent.
   * digest-fetch only increments after a response, which gives concurrent requests the same nc.
   */
  nextCount(): string {
    this.#count += 1;
    return this.#count.toString(16).padStart(8, '0');
  }

  /** Records the server's verdict on an answer signed with this nonce; acceptance is final. */
  settle(verdict: 'accepted' | 'refused'): void {
    if (this.trial !== 'accepted') this.trial = verdict;
  }
}
