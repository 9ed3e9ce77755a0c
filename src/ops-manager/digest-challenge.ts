/**
 * The parts of one Digest challenge this client answers. `qop`: auth whenever offered, auth-int only alone, undefined
 * for RFC 2069 (no nc, no cnonce). `algorithm` is echoed as spelled; `session`: MD5-sess. `stale`: the nonce expired.
 */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  qop: 'auth' | 'auth-int' | undefined;
  algorithm: string | undefined;
  session: boolean;
  stale: boolean;
}

/** A Digest challenge this client cannot answer (unknown algorithm, missing nonce, ...). */
export class DigestChallengeError extends Error {
  override readonly name = 'DigestChallengeError';
}

// A scheme (a bare token) or a parameter (token = token / quoted-string), after any spaces and commas:
// tokenised once, unlike digest-fetch's regular expressions, which read `nonce` out of `cnonce`.
const unquote = (quoted: string): string => quoted.slice(1, -1).replace(/\\(.)/g, '$1');
const PART = /[\s,]*([!#$%&'*+.^_`|~\w-]+)(?:[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^\s,]*))?/y;

/** A `WWW-Authenticate` value (RFC 7616 §3.3) split into challenges: a bare token starts one. Names lowercased. */
export function parseChallenges(header: string): Array<{ scheme: string; params: Map<string, string> }> {
  const challenges: ReturnType<typeof parseChallenges> = [];
  PART.lastIndex = 0;
  for (let match = PART.exec(header); match !== null; match = PART.exec(header)) {
    const [, name, value] = match as unknown as [string, string, string | undefined];
    if (value === undefined) challenges.push({ scheme: name, params: new Map() });
    else challenges.at(-1)?.params.set(name.toLowerCase(), value.startsWith('"') ? unquote(value) : value);
  }
  return challenges;
}

/**
 * The first Digest challenge we can answer, undefined if none is Digest; else an error naming what
 * was offered (digest-fetch falls back to MD5 silently: a confusing 401 later).
 */
export function parseDigestChallenge(header: string | null | undefined): DigestChallenge | undefined {
  if (!header) return undefined;
  const offers = parseChallenges(header).filter((challenge) => challenge.scheme.toLowerCase() === 'digest');
  if (offers.length === 0) return undefined;
  const answerable = offers.find(({ params }) =>
    ['MD5', 'MD5-SESS'].includes((params.get('algorithm') ?? 'MD5').toUpperCase()),
  );
  if (answerable === undefined) {
    const offered = offers.map(({ params }) => params.get('algorithm')).join(', ');
    throw new DigestChallengeError(
      `Unsupported Digest algorithm (offered: ${offered}); this client answers MD5 and MD5-sess`,
    );
  }
  const { params } = answerable;
  const nonce = params.get('nonce');
  if (!nonce) throw new DigestChallengeError('Digest challenge without a nonce');
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
export const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;
