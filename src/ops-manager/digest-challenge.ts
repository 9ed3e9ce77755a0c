/**
 * Reading the server's side of HTTP Digest: the `WWW-Authenticate` challenge (RFC 7616 §3.3,
 * RFC 2617 §3.2.1) and quoting values for the `Authorization` answer.
 *
 * digest-fetch finds each parameter with a regular expression over the whole header, which reads
 * `nonce` out of `cnonce`/`nextnonce`, splits `qop="auth,auth-int"` wrongly when spaces are
 * present, and cannot tell two challenges in one header apart. This module tokenises the header
 * once, the way servers write it (token or quoted-string values, several challenges in one field).
 */

/** The parts of one Digest challenge this client answers. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  /**
   * The quality of protection to answer with: `auth` whenever offered, `auth-int` only when it is
   * the sole offer, undefined for an RFC 2069 server that offers none (then no nc or cnonce).
   */
  qop: 'auth' | 'auth-int' | undefined;
  /** The algorithm as the server spelled it, echoed back; undefined when the challenge names none. */
  algorithm: string | undefined;
  /** MD5-sess: HA1 also covers the nonce and the cnonce. */
  session: boolean;
  /** The server says only the nonce was wrong (expired): retry silently with this one. */
  stale: boolean;
}

/** A Digest challenge this client cannot answer (unknown algorithm, missing nonce, ...). */
export class DigestChallengeError extends Error {
  override readonly name = 'DigestChallengeError';
}

interface RawChallenge {
  scheme: string;
  params: Map<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const SPACE = /[ \t]*/y;

/**
 * Splits a `WWW-Authenticate` value into its challenges. Several header lines arrive joined with
 * ", " (Headers.get), so a new challenge starts wherever a bare token (the scheme) appears where a
 * parameter was expected. Parameter names are lowercased; quoted values are unescaped.
 */
export function parseChallenges(header: string): RawChallenge[] {
  const challenges: RawChallenge[] = [];
  let position = 0;
  const skip = (pattern: RegExp): string => {
    pattern.lastIndex = position;
    const match = pattern.exec(header);
    if (match === null) return '';
    position = pattern.lastIndex;
    return match[0];
  };

  while (position < header.length) {
    skip(SPACE);
    if (header[position] === ',') {
      position += 1;
      continue;
    }
    const token = skip(TOKEN);
    if (token === '') {
      // Not a token: junk we cannot read. Skip to the next comma rather than give up on the rest.
      const comma = header.indexOf(',', position + 1);
      position = comma === -1 ? header.length : comma;
      continue;
    }
    skip(SPACE);
    const current = challenges.at(-1);
    // `name=value` is a parameter, unless the '=' starts token68 padding ("Negotiate abc==").
    if (header[position] === '=' && header[position + 1] !== '=' && current !== undefined) {
      position += 1;
      skip(SPACE);
      current.params.set(token.toLowerCase(), readValue());
      continue;
    }
    // A bare token starts a challenge. Other schemes' token68 credentials come out as bogus extra
    // "challenges" here, which is harmless: only Digest ones are looked at.
    challenges.push({ scheme: token, params: new Map() });
  }
  return challenges;

  function readValue(): string {
    if (header[position] !== '"') return skip(/[^\s,]*/y);
    let value = '';
    position += 1;
    while (position < header.length && header[position] !== '"') {
      if (header[position] === '\\' && position + 1 < header.length) position += 1;
      value += header[position];
      position += 1;
    }
    position += 1;
    return value;
  }
}

const SUPPORTED_ALGORITHMS = new Set(['MD5', 'MD5-SESS']);

/**
 * The Digest challenge in a `WWW-Authenticate` value, or undefined when there is none (a 401 from
 * something that is not a Digest server is the caller's business, not ours).
 *
 * When a server offers several Digest challenges (RFC 7616 lets it offer SHA-256 next to MD5), the
 * first one we can answer wins; if none can be answered, the error names what was offered, because
 * a silent fall back to MD5 (what digest-fetch does) only produces a confusing 401 later.
 */
export function parseDigestChallenge(header: string | null): DigestChallenge | undefined {
  if (header === null) return undefined;
  const offers = parseChallenges(header).filter((challenge) => challenge.scheme.toLowerCase() === 'digest');
  if (offers.length === 0) return undefined;

  const answerable = offers.find(({ params }) =>
    SUPPORTED_ALGORITHMS.has((params.get('algorithm') ?? 'MD5').toUpperCase()),
  );
  if (answerable === undefined) {
    const offered = offers.map(({ params }) => params.get('algorithm')).join(', ');
    throw new DigestChallengeError(
      `Unsupported Digest algorithm (offered: ${offered}); this client answers MD5 and MD5-sess`,
    );
  }

  const { params } = answerable;
  const nonce = params.get('nonce');
  if (nonce === undefined || nonce === '') throw new DigestChallengeError('Digest challenge without a nonce');
  const algorithm = params.get('algorithm');
  return {
    realm: params.get('realm') ?? '',
    nonce,
    opaque: params.get('opaque'),
    qop: chooseQop(params.get('qop')),
    algorithm,
    session: algorithm?.toUpperCase() === 'MD5-SESS',
    stale: params.get('stale')?.toLowerCase() === 'true',
  };
}

function chooseQop(offer: string | undefined): DigestChallenge['qop'] {
  if (offer === undefined) return undefined;
  const options = offer.split(',').map((option) => option.trim().toLowerCase());
  if (options.includes('auth')) return 'auth';
  if (options.includes('auth-int')) return 'auth-int';
  throw new DigestChallengeError(`Unsupported Digest qop "${offer}"; this client answers auth and auth-int`);
}

/** A quoted-string for the Authorization header: backslash-escapes `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
