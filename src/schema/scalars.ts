import { GraphQLError, Kind } from 'graphql';
import { ErrorCode } from '../errors/index.ts';
import { EmailSchema, formatTimestamp } from '../invitation.ts';
import { builder } from './builder.ts';

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

function parseObjectId(value: unknown): string {
  // Ops Manager writes ids in lowercase; accept either case and pass them on in lowercase.
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{24}$/.test(value)) {
    throw badInput('An ObjectID is a string of 24 hexadecimal characters, e.g. "5f1d7a3e9c1b2a0012345678".');
  }
  return value.toLowerCase();
}

function parseEmail(value: unknown): string {
  const parsed = EmailSchema.safeParse(typeof value === 'string' ? value.trim() : value);
  if (!parsed.success) throw badInput('An EmailAddress is a single email address, e.g. "jane.smith@example.com".');
  return parsed.data;
}

builder.scalarType('ObjectID', {
  description:
    'A MongoDB ObjectId as Ops Manager writes project and invitation ids: 24 hexadecimal characters. ' +
    'Checked before any call to Ops Manager.',
  specifiedByURL: 'https://www.mongodb.com/docs/manual/reference/method/ObjectId/',
  serialize: (value) => value,
  parseValue: parseObjectId,
  parseLiteral: (ast) => parseObjectId(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('EmailAddress', {
  description: 'An email address. Ops Manager usernames are email addresses.',
  serialize: (value) => value,
  parseValue: parseEmail,
  parseLiteral: (ast) => parseEmail(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('DateTime', {
  description: 'A point in time, in ISO 8601 UTC as Ops Manager writes it: "2021-02-18T18:51:46Z".',
  serialize: (value) => formatTimestamp(value),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw badInput('A DateTime is an ISO 8601 string.');
    return date;
  },
});
