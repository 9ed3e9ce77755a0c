/** The HS256 settings the JWT tests share: the secret they sign with, and the gateway's `jwt` options that verify it. */
export const TEST_JWT = {
  secret: 'a-shared-secret-of-at-least-32-characters!',
  jwksUrl: undefined,
  issuer: 'https://login.example.com/',
  audience: 'invitations-gateway',
  algorithms: ['HS256'],
  readScope: 'invitations:read',
  writeScope: 'invitations:write',
};
