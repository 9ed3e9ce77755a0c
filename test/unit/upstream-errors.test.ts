import { describe, expect, it } from 'vitest';
import { errorFromResponse, parseRetryAfter } from '../../src/errors/upstream.ts';
import { fixture } from '../fixtures.ts';

function map(
  status: number,
  body: unknown,
  resource: 'project' | 'invitation' = 'project',
  headers: Record<string, string> = {},
) {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  // Header names arrive lowercased from the transport.
  const lowercased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return errorFromResponse({ status, headers: lowercased, body: bodyText, resource });
}

describe('errorFromResponse: Ops Manager status and errorCode to our codes', () => {
  const specExamples = fixture<Record<string, unknown>>('atlas-spec-example-errors');

  it.each([
    [
      'real 401 without errorCode (wrong API key)',
      401,
      fixture('om-real-401-no-errorCode'),
      'project',
      'UPSTREAM_UNAUTHENTICATED',
    ],
    ['401 NOT_GROUP_USER_ADMIN', 401, { error: 401, errorCode: 'NOT_GROUP_USER_ADMIN' }, 'project', 'FORBIDDEN'],
    ['401 USER_UNAUTHORIZED', 401, { error: 401, errorCode: 'USER_UNAUTHORIZED' }, 'invitation', 'FORBIDDEN'],
    [
      '403 IP_ADDRESS_NOT_ON_ACCESS_LIST',
      403,
      { error: 403, errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST' },
      'project',
      'FORBIDDEN',
    ],
    ['real 404 GROUP_NOT_FOUND', 404, fixture('atlas-real-404-GROUP_NOT_FOUND'), 'invitation', 'PROJECT_NOT_FOUND'],
    ['404 INVALID_GROUP_ID', 404, { error: 404, errorCode: 'INVALID_GROUP_ID' }, 'invitation', 'PROJECT_NOT_FOUND'],
    [
      'real 404 RESOURCE_NOT_FOUND on an invitation',
      404,
      fixture('atlas-real-404-RESOURCE_NOT_FOUND'),
      'invitation',
      'INVITATION_NOT_FOUND',
    ],
    ['404 without a body on a project call', 404, '', 'project', 'PROJECT_NOT_FOUND'],
    [
      '400 INVALID_ROLE_FOR_GROUP',
      400,
      { error: 400, errorCode: 'INVALID_ROLE_FOR_GROUP' },
      'project',
      'BAD_USER_INPUT',
    ],
    ['400 spec example', 400, specExamples['400'], 'project', 'BAD_USER_INPUT'],
    [
      '409 USER_ALREADY_EXISTS',
      409,
      { error: 409, errorCode: 'USER_ALREADY_EXISTS' },
      'project',
      'INVITATION_ALREADY_EXISTS',
    ],
    [
      '409 another conflict (client test fixture)',
      409,
      fixture('atlas-client-test-409-GROUP_ALREADY_EXISTS'),
      'project',
      'INVITATION_ALREADY_EXISTS',
    ],
    ['429 RATE_LIMITED', 429, specExamples['429'], 'project', 'UPSTREAM_RATE_LIMITED'],
    ['500 UNEXPECTED_ERROR', 500, specExamples['500'], 'project', 'UPSTREAM_UNAVAILABLE'],
    ['502 HTML from a proxy', 502, '<html><body>Bad gateway</body></html>', 'project', 'UPSTREAM_UNAVAILABLE'],
    ['503 not JSON', 503, 'Service Unavailable', 'invitation', 'UPSTREAM_UNAVAILABLE'],
    ['405 unexpected', 405, { error: 405 }, 'project', 'UPSTREAM_REJECTED'],
  ] as const)('%s → %s', (_name, status, body, resource, code) => {
    const error = map(status, body, resource);
    expect(error.code).toBe(code);
    expect(error.extensions.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
  });

  it('keeps the upstream errorCode, from the body or the X-Error-Code header', () => {
    expect(map(404, fixture('atlas-real-404-GROUP_NOT_FOUND')).upstreamErrorCode).toBe('GROUP_NOT_FOUND');
    expect(map(404, 'not json', 'invitation', { 'X-Error-Code': 'RESOURCE_NOT_FOUND' }).upstreamErrorCode).toBe(
      'RESOURCE_NOT_FOUND',
    );
  });

  it('never puts the upstream detail in the message a client sees', () => {
    const body = { detail: 'internal host db-7.corp:27017 said no', error: 500, errorCode: 'UNEXPECTED_ERROR' };
    expect(map(500, body).message).not.toContain('db-7');
    expect(
      map(400, { detail: 'Role X is invalid for group 123', error: 400, errorCode: 'INVALID_ROLE_FOR_GROUP' }).message,
    ).not.toContain('123');
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(map(429, '', 'project', { 'Retry-After': '7' }).retryAfterSeconds).toBe(7);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('maps a refused passthrough key once, to UNAUTHENTICATED with a Basic challenge, and a permission refusal still to FORBIDDEN', () => {
    const refused = errorFromResponse({ status: 401, headers: {}, body: '', resource: 'project', callerKey: true });
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Ops Manager rejected your API key.' });
    expect(refused.extensions['http']).toMatchObject({ status: 401 });
    const forbidden = errorFromResponse({
      status: 401,
      headers: {},
      body: JSON.stringify({ errorCode: 'NOT_GROUP_USER_ADMIN' }),
      resource: 'project',
      callerKey: true,
    });
    expect(forbidden.code).toBe('FORBIDDEN');
  });
});
