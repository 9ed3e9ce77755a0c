/**
 * Test-only Digest signer (RFC 2617, MD5, qop=auth), written independently of the project's own
 * Digest client so simulator tests do not depend on it.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Challenge {
  realm: string;
  nonce: string;
  qop: string;
  algorithm: string;
  stale: string;
  domain: string;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** Parses `WWW-Authenticate: Digest realm="...", nonce="...", ...`. */
export function parseChallenge(header: string | null): Challenge {
  if (header === null || !header.startsWith('Digest ')) throw new Error(`not a Digest challenge: ${header}`);
  const params: Record<string, string> = {};
  for (const match of header.slice('Digest '.length).matchAll(/([a-z]+)=(?:"([^"]*)"|([^,\s]*))/gi)) {
    params[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? '';
  }
  const { realm, nonce, qop, algorithm, stale, domain } = params;
  if (realm === undefined || nonce === undefined) throw new Error(`challenge without realm/nonce: ${header}`);
  return { realm, nonce, qop: qop ?? '', algorithm: algorithm ?? '', stale: stale ?? '', domain: domain ?? '' };
}

export interface SignInput {
  method: string;
  /** Path and query exactly as sent on the request line. */
  uri: string;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  nc: number;
  cnonce?: string;
  /** Override fields to build deliberately wrong headers. */
  overrides?: Partial<Record<'qop' | 'algorithm' | 'uri' | 'realm' | 'response', string | undefined>>;
}

export function digestAuthorization(input: SignInput): string {
  const nc = input.nc.toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  const response = md5(`${ha1}:${input.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const fields: Record<string, string | undefined> = {
    username: `"${input.username}"`,
    realm: `"${input.realm}"`,
    nonce: `"${input.nonce}"`,
    uri: `"${input.uri}"`,
    algorithm: 'MD5',
    qop: 'auth',
    nc,
    cnonce: `"${cnonce}"`,
    response: `"${response}"`,
  };
  for (const [name, value] of Object.entries(input.overrides ?? {})) {
    fields[name] = value === undefined ? undefined : name === 'qop' || name === 'algorithm' ? value : `"${value}"`;
  }
  return `Digest ${Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')}`;
}

/** A known answer from RFC 2617 §3.5 (qop=auth), to prove the signer itself is right. */
export const RFC2617_EXAMPLE = {
  input: {
    method: 'GET',
    uri: '/dir/index.html',
    username: 'Mufasa',
    password: 'Circle Of Life',
    realm: 'testrealm@host.com',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    nc: 1,
    cnonce: '0a4f113b',
  },
  response: '6629fae49393a05397450978507c4ef1',
} as const;
