import { readFileSync } from 'node:fs';
import type { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  codeForStatus,
  ErrorCode,
  errorCodes,
  errorResponse,
  RequestErrorCode,
  requestRefusal,
  UnauthenticatedError,
} from '../../src/errors/index.ts';
import { schema } from '../../src/schema/index.ts';

describe('the error codes', () => {
  it('name themselves, and the schema enum carries exactly the operation-level codes: values and descriptions', () => {
    for (const [code, value] of Object.entries({ ...ErrorCode, ...RequestErrorCode })) expect(value).toBe(code);
    const values = (schema.getType('ErrorCode') as GraphQLEnumType).getValues();
    const operationLevel = Object.entries(errorCodes).filter(([, entry]) => entry.level === 'operation');
    expect(Object.fromEntries(values.map((value) => [value.name, value.description]))).toEqual(
      Object.fromEntries(operationLevel.map(([code, entry]) => [code, entry.description])),
    );
  });

  it('split the table into two disjoint sets that together cover it', () => {
    const operation = Object.keys(ErrorCode);
    const request = Object.keys(RequestErrorCode);
    expect(operation.filter((code) => request.includes(code))).toEqual([]);
    expect([...operation, ...request].sort()).toEqual(Object.keys(errorCodes).sort());
    expect(operation).toContain('UNAUTHENTICATED');
    expect(request).not.toContain('FORBIDDEN');
  });

  it('give every request-level code a 4xx or 5xx status', () => {
    for (const code of Object.values(RequestErrorCode)) expect(errorCodes[code].status).toBeGreaterThanOrEqual(400);
  });

  it('name an uncoded error by its status, with the operation-level code for 401 and 403', () => {
    expect(codeForStatus(401)).toBe('UNAUTHENTICATED');
    expect(codeForStatus(403)).toBe('FORBIDDEN');
    expect(codeForStatus(404)).toBe('NOT_FOUND');
    expect(codeForStatus(422)).toBe('BAD_REQUEST');
    expect(codeForStatus(503)).toBe('INTERNAL_SERVER_ERROR');
    expect(codeForStatus(undefined)).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('docs/errors.md', () => {
  it('lists every code of the table, the operation-level ones first', () => {
    const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...page.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)];
    const listed = rows.flatMap((row) => [...row[1]!.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!));
    expect([...listed].sort()).toEqual(Object.keys(errorCodes).sort());
    const operationLevel = Object.keys(ErrorCode);
    expect(listed.slice(0, operationLevel.length).sort()).toEqual([...operationLevel].sort());
  });
});

describe('the HTTP status of a refusal', () => {
  it('comes from the table, with the headers given', () => {
    const error = requestRefusal(RequestErrorCode.RATE_LIMITED, 'Slow down.', {
      headers: { 'retry-after': '3' },
      extensions: { retryAfterSeconds: 3 },
    });
    expect(error.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 3,
      http: { status: 429, headers: { 'retry-after': '3' } },
    });
    expect(new UnauthenticatedError('Who are you?', 'Basic').extensions).toEqual({
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'www-authenticate': 'Basic' } },
    });
  });
});

describe('errorResponse', () => {
  it('responds with a GraphQL error body with the code, as JSON, keeping other headers and dropping a stale length', async () => {
    const response = errorResponse(RequestErrorCode.PAYLOAD_TOO_LARGE, 'Too big.', {
      headers: { connection: 'close', 'content-length': '999', 'x-request-id': 'r1' },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.json()).toEqual({
      errors: [{ message: 'Too big.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  });

  it('keeps a status Yoga already chose', () => {
    expect(errorResponse(codeForStatus(409), 'Refused.', { status: 409 }).status).toBe(409);
  });
});
