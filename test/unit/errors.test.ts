import type { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ErrorCode, errorCodeDescriptions, errorResponse, RequestErrorCode } from '../../src/errors.ts';
import { schema } from '../../src/schema/index.ts';

describe('the error codes', () => {
  it('name themselves, and the schema enum carries exactly the table: values and descriptions', () => {
    for (const [code, value] of Object.entries(ErrorCode)) expect(value).toBe(code);
    const values = (schema.getType('ErrorCode') as GraphQLEnumType).getValues();
    expect(Object.fromEntries(values.map((value) => [value.name, value.description]))).toEqual(errorCodeDescriptions);
  });

  it('spell the codes a request-level refusal shares with the enum (401, 403) the same way', () => {
    const shared = Object.keys(RequestErrorCode).filter((code) => code in errorCodeDescriptions);
    expect(shared.sort()).toEqual(['FORBIDDEN', 'UNAUTHENTICATED']);
  });
});

describe('errorResponse', () => {
  it('answers a GraphQL error body with the code, as JSON, keeping other headers and dropping a stale length', async () => {
    const response = errorResponse(413, RequestErrorCode.PAYLOAD_TOO_LARGE, 'Too big.', {
      connection: 'close',
      'content-length': '999',
      'x-request-id': 'r1',
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.json()).toEqual({
      errors: [{ message: 'Too big.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  });
});
