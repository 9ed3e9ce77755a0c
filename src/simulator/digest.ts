import { createHash, timingSafeEqual } from 'node:crypto';
import type { NonceRegistry } from './nonces.ts';

/** The realm Ops Manager and Cloud Manager announce for the public API. */
export const DIGEST_REALM = 'MMS Public API';

/** Why a request was refused; sent back in `X-Simulator-Auth-Failure` to make client bugs easy to see. */
export type DigestFailure =
  | 'missing'
  | 'malformed'
  | 'qop'
  | 'algorithm'
  | 'realm'
  | 'uri'
  | 'unknown-user'
  | 'unknown-nonce'
  | 'wrong-response'
  | 'stale-nonce'
  | 'nonce-count'
  | 'forgotten-nonce';

export type DigestVerdict = { ok: true; publicKey: string } | { ok: false; stale: boolean; failure: DigestFailure };

export interface DigestVerifierOptions {
  /** Public key → private key. */
  privateKeys: ReadonlyMap<string, string>;
  nonces: NonceRegistry;
  /** Refuse an `nc` that is not strictly above the last one seen for the nonce (Apache's AuthDigestNcCheck). */
  checkNonceCount: boolean;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Server side of HTTP Digest (RFC 7616 with RFC 2617's MD5 and qop=auth), the way Ops Manager and
 * Apache mod_auth_digest answer: the public API key is the username, the private key the password.
 */
export class DigestVerifier {
  constructor(private readonly options: DigestVerifierOptions) {}

  /** A fresh `WWW-Authenticate` value; `stale=true` tells the client only the nonce was the problem. */
  challenge(stale: boolean): string {
    const nonce = this.options.nonces.issue();
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
  }

  /**
   * Checks an Authorization header against the request line. `requestUri` is the request target
   * exactly as received (path and query); the `uri` parameter must equal it, as Apache requires.
   */
  verify(method: string, requestUri: string, authorization: string | undefined): DigestVerdict {
    const refuse = (failure: DigestFailure, stale = false): DigestVerdict => ({ ok: false, stale, failure });
    if (authorization === undefined || !/^digest\s/i.test(authorization)) return refuse('missing');
    const params = parseDigestParams(authorization.replace(/^digest\s+/i, ''));
    if (params === undefined) return refuse('malformed');

    const { username, realm, nonce, uri, response, qop, nc, cnonce, algorithm } = params;
    if (username === undefined || realm === undefined || nonce === undefined || uri === undefined) {
      return refuse('malformed');
    }
    if (response === undefined || nc === undefined || cnonce === undefined) return refuse('malformed');
    if (!/^[0-9a-f]{8}$/i.test(nc) || !/^[0-9a-f]{32}$/i.test(response)) return refuse('malformed');
    // We only offer qop="auth"; RFC 2069 answers without qop (no nc, no replay protection) are refused.
    if (qop?.toLowerCase() !== 'auth') return refuse('qop');
    if (algorithm !== undefined && algorithm.toUpperCase() !== 'MD5') return refuse('algorithm');
    if (realm !== DIGEST_REALM) return refuse('realm');
    if (uri !== requestUri) return refuse('uri');

    const privateKey = this.options.privateKeys.get(username);
    if (privateKey === undefined) return refuse('unknown-user');
    const issuedAt = this.options.nonces.issuedAt(nonce);
    if (issuedAt === undefined) return refuse('unknown-nonce');

    const ha1 = md5(`${username}:${realm}:${privateKey}`);
    const ha2 = md5(`${method}:${uri}`);
    const expected = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(response.toLowerCase()))) {
      return refuse('wrong-response');
    }
    // Only a response that is otherwise right earns stale=true (RFC 7616 §3.3).
    if (this.options.nonces.isExpired(issuedAt)) return refuse('stale-nonce', true);
    if (this.options.checkNonceCount) {
      const verdict = this.options.nonces.recordCount(nonce, Number.parseInt(nc, 16));
      if (verdict === 'replayed') return refuse('nonce-count');
      if (verdict === 'forgotten') return refuse('forgotten-nonce', true);
    }
    return { ok: true, publicKey: username };
  }
}

/**
 * Parses the comma-separated `name=value` list of a Digest header (values are tokens or quoted
 * strings with backslash escapes). Names are lowercased. Undefined when the syntax is broken.
 */
export function parseDigestParams(text: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s",]*))\s*(,|$)/gy;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    const [whole, name, quoted, token] = match;
    if (name === undefined || whole.length === 0) return undefined;
    params[name.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (token ?? '');
    position += whole.length;
  }
  return params;
}
