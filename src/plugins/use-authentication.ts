import { createSecretKey } from 'node:crypto';
import { createRemoteJwksSigningKeyProvider, type ExtractTokenFunction, useJWT } from '@graphql-yoga/plugin-jwt';
import type { Plugin } from 'graphql-yoga';
import type { Algorithm } from 'jsonwebtoken';
import type { AuthOptions } from '../auth/authentication.ts';
import { UnauthenticatedError } from '../errors/index.ts';
import { useVerifiedTokenCache } from './use-verified-token-cache.ts';

/**
 * Authentication of a mode. In jwt mode @graphql-yoga/plugin-jwt verifies the bearer
 * token (signature, issuer, audience, expiry, and only the configured algorithms, so `none`
 * and algorithm confusion are refused) before the request is parsed; a missing or bad
 * token is refused with 401 at once. A token it verified is reused for the same header until its
 * expiry (use-verified-token-cache.ts says why that is safe), so a caller's signature is checked
 * once rather than on every request.
 */
export function useAuthentication(options: AuthOptions): Plugin {
  if (options.mode !== 'jwt' || !options.jwt) return {};
  const jwt = options.jwt;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(useVerifiedTokenCache() as Plugin);
      addPlugin(
        useJWT({
          signingKeyProviders: [
            jwt.secret
              ? secretKeyProvider(jwt.secret)
              : createRemoteJwksSigningKeyProvider({
                  jwksUri: jwt.jwksUrl!,
                  cache: true,
                  rateLimit: true,
                  timeout: 5_000,
                }),
          ],
          tokenLookupLocations: [bearerToken],
          tokenVerification: { issuer: jwt.issuer, audience: jwt.audience, algorithms: jwt.algorithms as Algorithm[] },
          reject: { missingToken: true, invalidToken: true },
          extendContext: 'jwt',
        }) as Plugin,
      );
    },
  };
}

/**
 * The HS* secret as a KeyObject, made once. Given a string, jsonwebtoken tries createPublicKey()
 * on it first, which throws, then createSecretKey(), on every request (a throw and a key per
 * request: docs/benchmarks.md has what it cost). The plugin hands the key to jsonwebtoken as it
 * is; its type says string, but jsonwebtoken takes a KeyObject (and checks it is a secret key for HS*).
 */
function secretKeyProvider(secret: string): () => string {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return () => key as unknown as string;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * The bearer token of a request. Anything in Authorization that is not a JWT-shaped bearer
 * token is refused here with 401 (the plugin itself would respond 400 to some of these),
 * so every missing or bad credential gets the same response.
 */
const bearerToken: ExtractTokenFunction = ({ request }) => {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = header.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match || !JWT_SHAPE.test(match[1]!) || !hasJoseHeader(match[1]!))
    throw new UnauthenticatedError('Send a JWT as Authorization: Bearer <token>.');
  return { token: match[1]!, prefix: 'Bearer' };
};

function hasJoseHeader(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as {
      alg?: unknown;
    };
    return typeof header.alg === 'string';
  } catch {
    return false;
  }
}
