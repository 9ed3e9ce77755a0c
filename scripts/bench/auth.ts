/**
 * How the benchmark authenticates to the gateway. `jwt` is the production path: the gateway
 * runs with AUTH_MODE=jwt and an HS256 secret made up for the run, and every request carries
 * a token minted here (node:crypto, no package). `none` runs the gateway without AUTH_MODE
 * (only a checkout whose configuration allows that in production). Variables a checkout does
 * not know are ignored by its configuration, so the jwt settings do no harm to older ones.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type BenchAuth = 'jwt' | 'none';

export interface GatewayAuth {
  env: Record<string, string>;
  /** Headers every GraphQL request sends. */
  headers: Record<string, string>;
}

const ISSUER = 'ops-manager-gateway-bench';
const AUDIENCE = 'ops-manager-invitations-gateway';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 JWT (RFC 7519) valid for `lifetimeS` seconds. */
function mintToken(secret: string, claims: Record<string, unknown>, lifetimeS: number): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ ...claims, iat: now, exp: now + lifetimeS }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export function gatewayAuth(mode: BenchAuth): GatewayAuth {
  if (mode === 'none') return { env: {}, headers: {} };
  const secret = randomBytes(32).toString('hex');
  const token = mintToken(
    secret,
    { iss: ISSUER, aud: AUDIENCE, sub: 'bench', scope: 'invitations:read invitations:write' },
    3 * 60 * 60,
  );
  return {
    env: { AUTH_MODE: 'jwt', JWT_SECRET: secret, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_ALGORITHMS: 'HS256' },
    headers: { authorization: `Bearer ${token}` },
  };
}
