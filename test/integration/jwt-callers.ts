import jwt from 'jsonwebtoken';
import { registerSecret } from '../secrets-sweep.ts';

/** jwt mode with an HS256 secret made up for the test, as environment variables. */
const SECRET = 'fair-share-test-secret-of-at-least-32-characters';
const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'invitations-gateway';
export const JWT_ENV = { AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
registerSecret(SECRET);

/** The Authorization header of a caller with this subject, allowed to read and to write. */
export function bearer(subject: string): string {
  const token = jwt.sign({ scope: 'invitations:read invitations:write' }, SECRET, {
    issuer: ISSUER,
    audience: AUDIENCE,
    subject,
    expiresIn: '10m',
  });
  registerSecret(token.split('.')[2]!);
  return `Bearer ${token}`;
}

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
}

/** One GraphQL request over HTTP as `authorization`. */
export async function post(
  url: string,
  authorization: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  };
}

export const READ = 'query($p: ObjectID!) { project(id: $p) { invitations { id } } }';
export const CREATE = `mutation($p: ObjectID!, $u: EmailAddress!) {
  createInvitation(projectId: $p, username: $u, roles: [GROUP_READ_ONLY]) { __typename ... on Error { code } }
}`;
