import { createHash } from 'node:crypto';
import { UnauthenticatedError } from '../errors/index.ts';

export type AuthMode = 'jwt' | 'passthrough' | 'none';

/**
 * Who is calling and what they may do, decided once per operation in the context factory
 * and checked by @pothos/plugin-scope-auth on the schema's fields.
 */
export interface Caller {
  mode: AuthMode;
  /** The token's subject, for logs. */
  subject: string | undefined;
  canRead: boolean;
  canWrite: boolean;
  /** The projects the caller may touch; undefined means any. */
  projects: ReadonlySet<string> | undefined;
  /** Passthrough mode: the caller's own Ops Manager API key. Never logged. */
  apiKey: ApiKey | undefined;
}

export interface ApiKey {
  publicKey: string;
  privateKey: string;
  /** sha256 of the pair: a cache key that is not the secret. */
  fingerprint: string;
}

export function mayAccessProject(caller: Caller, projectId: string): boolean {
  return caller.projects === undefined || caller.projects.has(projectId.toLowerCase());
}

/** Everyone may do everything: the simulator, or a deployment that opted in explicitly. */
export const anonymousCaller: Caller = {
  mode: 'none',
  subject: undefined,
  canRead: true,
  canWrite: true,
  projects: undefined,
  apiKey: undefined,
};

export interface JwtClaimsOptions {
  readScope: string;
  writeScope: string;
  /** A claim listing the project ids the caller may touch; absent means any project. */
  projectsClaim: string | undefined;
}

/**
 * A verified token's claims to a caller. Scopes come from `scope` (space-separated, RFC 8693)
 * or `scp` (an array, as Azure AD and Okta write it). A projects claim that is present but
 * not a list of strings grants no project at all, rather than every project.
 */
export function callerFromClaims(claims: Record<string, unknown>, options: JwtClaimsOptions): Caller {
  const scopes = new Set<string>([
    ...(typeof claims.scope === 'string' ? claims.scope.split(' ') : []),
    ...(Array.isArray(claims.scp) ? claims.scp.filter((scope): scope is string => typeof scope === 'string') : []),
  ]);
  let projects: Set<string> | undefined;
  if (options.projectsClaim && options.projectsClaim in claims) {
    const listed = claims[options.projectsClaim];
    projects = new Set(
      Array.isArray(listed)
        ? listed.filter((id): id is string => typeof id === 'string').map((id) => id.toLowerCase())
        : [],
    );
  }
  return {
    mode: 'jwt',
    subject: typeof claims.sub === 'string' ? claims.sub : undefined,
    canRead: scopes.has(options.readScope),
    canWrite: scopes.has(options.writeScope),
    projects,
    apiKey: undefined,
  };
}

export const BASIC_CHALLENGE = 'Basic realm="Ops Manager API key", charset="UTF-8"';

/**
 * Passthrough mode: the caller's Ops Manager API key from `Authorization: Basic
 * base64(publicKey:privateKey)`. Ops Manager's own permissions then apply to the caller.
 */
export function callerFromBasicAuth(header: string | null): Caller {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match)
    throw new UnauthenticatedError(
      'Send your Ops Manager API key as Authorization: Basic base64(publicKey:privateKey).',
      BASIC_CHALLENGE,
    );
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const publicKey = colon > 0 ? decoded.slice(0, colon) : '';
  const privateKey = colon > 0 ? decoded.slice(colon + 1) : '';
  if (!publicKey || !privateKey || /[\0\r\n]/.test(decoded)) {
    throw new UnauthenticatedError('The Basic credentials must be publicKey:privateKey.', BASIC_CHALLENGE);
  }
  const fingerprint = createHash('sha256').update(publicKey).update('\0').update(privateKey).digest('hex');
  return {
    mode: 'passthrough',
    subject: publicKey,
    canRead: true,
    canWrite: true,
    projects: undefined,
    apiKey: { publicKey, privateKey, fingerprint },
  };
}
