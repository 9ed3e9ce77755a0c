import fc from 'fast-check';
import { parse, validate } from 'graphql';
import { EmailSchema, PROJECT_ROLES } from '../../src/invitation.ts';
import { schema } from '../../src/schema/index.ts';

/**
 * Generators of bad input for the gateway's arguments, and the oracles that say what the
 * gateway's edge accepts (an ObjectID, an EmailAddress, an executable document), so that a
 * generator that happens to produce a valid value never turns into a false failure.
 */

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** What the ObjectID scalar accepts: 24 hexadecimal characters, either case, nothing around them. */
export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

/** What the EmailAddress scalar accepts: the trimmed string passes the gateway's email schema. */
export function isAcceptedEmail(value: string): boolean {
  return EmailSchema.safeParse(value.trim()).success;
}

/** Whether graphql-js, with the gateway's schema, would parse and validate the document. */
export function isExecutable(document: string): boolean {
  try {
    return validate(schema, parse(document)).length === 0;
  } catch {
    return false;
  }
}

export const ROLES: readonly string[] = PROJECT_ROLES;

/** Strings aimed at paths, query languages, templates and markup on the way to Ops Manager. */
export const INJECTIONS = [
  '../../',
  '../../admin',
  '..%2f..%2f',
  '%2e%2e/',
  '%2e%2e%2f',
  '..\\..\\',
  '/etc/passwd',
  'invites/../../groups',
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '1; DROP TABLE invites',
  '{"$ne":1}',
  '{"$gt":""}',
  '[$ne]=1',
  '$where',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup string, sent as data on purpose
  '${jndi:ldap://example.com/a}',
  '{{7*7}}',
  '%00',
  '\u0000',
  '\r\nX-Injected: 1',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  '?envelope=true&pretty=true',
  '#fragment',
  'http://169.254.169.254/latest/meta-data/',
  '*',
] as const;

/**
 * Any code point, weighted towards the troublesome ones: C0 and C1 controls, lone surrogates,
 * line and paragraph separators, bidi override, BOM, zero-width space, noncharacters.
 */
const codePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.constantFrom(0x2028, 0x2029, 0x202e, 0xfeff, 0x200b, 0xfffd, 0xffff),
    fc.integer({ min: 0, max: 0x10ffff }),
  )
  .map((code) => String.fromCodePoint(code));

/** Text of any code points (what fc.string({ unit: 'binary' }) gives, without its second of set-up). */
const anyText = (maxLength: number, minLength = 0) =>
  fc.array(codePoint, { minLength, maxLength }).map((chars) => chars.join(''));

// Arrays joined rather than fc.string({ unit }): with some units fc.string precomputes
// shrinking slices, which can cost a second per arbitrary at import.
const hexDigit = fc.constantFrom(...'0123456789abcdef');
const hexDigitAnyCase = fc.constantFrom(...'0123456789abcdefABCDEF');
const hex = (minLength: number, maxLength = minLength) =>
  fc.array(hexDigitAnyCase, { minLength, maxLength }).map((digits) => digits.join(''));

/** 24 lowercase hexadecimal characters: a valid id, usually of no project. */
export const wellFormedId: fc.Arbitrary<string> = fc
  .array(hexDigit, { minLength: 24, maxLength: 24 })
  .map((digits) => digits.join(''));

/** Characters that are not hexadecimal digits but look like them, or hide. */
const notHexDigit = fc.oneof(
  fc.constantFrom(
    'g',
    'G',
    'x',
    'z',
    'O',
    'l',
    '-',
    ' ',
    '\u0663',
    '\uff10',
    '\uff41',
    '\u00e9',
    '\u0000',
    '\n',
    '\u200b',
    '\ud83d\udca5',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !/^[0-9a-fA-F]$/.test(c)),
);

const invisiblePadding = fc.constantFrom('', ' ', '\t', '\n', '\r\n', '\u00a0', '\u200b', '\ufeff', '\u3000');

/** Strings the ObjectID scalar must refuse: random, Unicode, near misses, padded, injections. */
export const invalidObjectId: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    anyText(30),
    fc.oneof(hex(23), hex(25), hex(0, 22), hex(26, 64)),
    fc
      .tuple(wellFormedId, fc.nat({ max: 23 }), notHexDigit)
      .map(([id, at, c]) => id.slice(0, at) + c + id.slice(at + 1)),
    fc.tuple(invisiblePadding, wellFormedId, invisiblePadding).map(([before, id, after]) => before + id + after),
    fc
      .tuple(fc.constantFrom(...INJECTIONS), wellFormedId, fc.constantFrom('alone', 'before', 'after', 'inside'))
      .map(([text, id, where]) =>
        where === 'alone'
          ? text
          : where === 'before'
            ? text + id
            : where === 'after'
              ? id + text
              : id.slice(0, 12) + text + id.slice(12),
      ),
  )
  .filter((value) => !isObjectId(value));

const localPart = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,18}[a-z0-9])?$/);
const domain = fc.stringMatching(/^[a-z0-9]{1,10}\.(com|org|net|io)$/);

/** Plain addresses (`jane.smith@example.com`) in any case, sometimes with surrounding spaces: the scalar accepts them. */
export const plainEmail: fc.Arbitrary<string> = fc
  .tuple(localPart, domain, fc.boolean(), fc.constantFrom('', ' ', '  '))
  .map(([local, host, upper, padding]) => `${padding}${upper ? local.toUpperCase() : local}@${host}${padding}`);

/** Strings the EmailAddress scalar must refuse: random, Unicode, no or many @, CRLF, overlong, injections. */
export const invalidEmail: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    anyText(40),
    fc.tuple(localPart, domain).map(([local, host]) => local + host),
    fc
      .tuple(localPart, fc.array(domain, { minLength: 2, maxLength: 8 }))
      .map(([local, hosts]) => [local, ...hosts].join('@')),
    fc
      .tuple(
        localPart,
        domain,
        fc.constantFrom('\r\n', '\n', '\r', '%0d%0a', '\u2028', '\u0085'),
        fc.constantFrom('Bcc: victim@example.com', 'X-Injected: 1'),
      )
      .map(([local, host, newline, header]) => `${local}@${host}${newline}${header}`),
    fc.integer({ min: 243, max: 5_000 }).map((length) => `${'a'.repeat(length)}@example.com`),
    fc
      .tuple(
        localPart,
        domain,
        fc.constantFrom('\u00e9', '\u00df', '\u044f', '\u4e2d', '\ud83d\ude00', '\u0301', '\uff41'),
        fc.boolean(),
      )
      .map(([local, host, c, inLocal]) => (inLocal ? `${local}${c}@${host}` : `${local}@${c}${host}`)),
    fc.tuple(localPart, domain).map(([local, host]) => `${local}\uff20${host}`),
    fc.constantFrom(
      ...INJECTIONS,
      '',
      ' ',
      '@',
      '@@',
      'a@',
      '@example.com',
      'a@b',
      'a@b.',
      'a@.com',
      'a..b@example.com',
      '.a@example.com',
      'a@-x.com',
    ),
    fc.tuple(fc.constantFrom(...INJECTIONS), localPart, domain).map(([text, local, host]) => `${local}${text}@${host}`),
  )
  .filter((value) => !isAcceptedEmail(value));

/** Enum-shaped names that are not project roles: unknown, lower case, Atlas-only, org-level. */
const unknownRoleName = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/),
    fc.constantFrom(...ROLES).map((role) => role.toLowerCase()),
    fc.constantFrom(...ROLES).map((role) => `${role}_X`),
    fc.constantFrom('GROUP_SEARCH_INDEX_EDITOR', 'GROUP_CLUSTER_MANAGER', 'ORG_OWNER', 'GLOBAL_OWNER', 'Group_Owner'),
  )
  .filter((name) => !ROLES.includes(name) && !['true', 'false', 'null'].includes(name));

/** A role list literal written in the document with at least one element that is not a ProjectRole. */
export const invalidRoleListLiteral: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.constantFrom(...ROLES), { maxLength: 5 }),
    fc.array(
      fc.oneof(
        unknownRoleName,
        fc.constantFrom(...ROLES).map((role) => JSON.stringify(role)),
        fc.integer().map(String),
        fc.constantFrom('null', 'true', '[GROUP_OWNER]', '{ role: GROUP_OWNER }', '$undeclared'),
      ),
      { minLength: 1, maxLength: 5 },
    ),
    fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 2_500 }) }),
  )
  .map(
    ([valid, invalid, padding]) =>
      `[${[...valid, ...invalid, ...Array.from({ length: padding }, (_, i) => ROLES[i % ROLES.length]!)].join(', ')}]`,
  );

/** A value of `roles: [ProjectRole!]!` in variables that is not a role list: unknown names, wrong types, nulls. */
export const invalidRoleListVariable: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      fc.array(fc.constantFrom(...ROLES), { maxLength: 5 }),
      fc.array(
        fc.oneof(
          unknownRoleName,
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
        ),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
    )
    .map(([valid, invalid]) => [...valid, ...invalid]),
  unknownRoleName,
  fc.integer(),
  fc.constant(null),
  fc.dictionary(fc.string(), fc.constantFrom(...ROLES), { minKeys: 1, maxKeys: 3 }),
);

/** JSON of a type no ObjectID, EmailAddress or role is written in: numbers, booleans, objects, arrays (never null, never a string). */
export const wrongTypedValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

/** Values that are wrong for a non-scalar argument: null, missing, a scalar or object where a list or input object goes. */
export const wrongTypedNonScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  // Not empty: an empty list is a valid `ids` (and a refused, but coded, `roles`).
  fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

export interface DeepJson {
  depth: number;
  /** The JSON text: JSON.stringify recurses, and would overflow the stack before the gateway sees it. */
  text: string;
}

/** JSON text nested `depth` levels deep (arrays, objects or both). */
export const deepJson: fc.Arbitrary<DeepJson> = fc
  .record({
    depth: fc.integer({ min: 50, max: 5_000 }),
    shape: fc.constantFrom('array', 'object', 'mixed'),
    leaf: fc.jsonValue({ maxDepth: 1 }),
  })
  .map(({ depth, shape, leaf }) => {
    const levels = Array.from(
      { length: depth },
      (_, level) => shape === 'array' || (shape === 'mixed' && level % 2 === 0),
    );
    const text =
      levels.map((asArray) => (asArray ? '[' : '{"a":')).join('') +
      JSON.stringify(leaf) +
      levels
        .reverse()
        .map((asArray) => (asArray ? ']' : '}'))
        .join('');
    // fast-check prints a counterexample in full: describe this one instead.
    return {
      depth,
      text,
      [fc.toStringMethod]: () => `${shape} JSON ${depth} levels deep around ${JSON.stringify(leaf)}`,
    };
  });

/** Edits of a valid document: inserted control characters, Unicode and punctuation, deletions, replacements. */
const documentEdit = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      anyText(3, 1),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
      fc.constantFrom(
        '\u0000',
        '\u0007',
        '\u001b',
        '\u007f',
        '\u2028',
        '\u202e',
        '\ufeff',
        '\ud800',
        '{',
        '}',
        '(',
        ')',
        '"',
        '\\',
        '#',
        '$',
        '@',
        '...',
        '!',
        ':',
        '\n',
      ),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  }),
);

/** A document from `documents` with one to three edits applied. */
export function editedDocument(documents: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...documents), fc.array(documentEdit, { minLength: 1, maxLength: 3 }))
    .map(([document, edits]) =>
      edits.reduce((text, edit) => {
        const at = edit.at % (text.length + 1);
        if (edit.kind === 'insert') return text.slice(0, at) + edit.text + text.slice(at);
        if (edit.kind === 'delete') return text.slice(0, at) + text.slice(at + edit.length);
        return text.slice(0, at) + edit.text + text.slice(at + 1);
      }, document),
    );
}

/** Request bodies that are not one GraphQL request: bytes, text, any JSON, envelopes with wrong or random members. */
export const garbageBody: fc.Arbitrary<Uint8Array<ArrayBuffer> | string> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => new Uint8Array(bytes)),
  anyText(200),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc
    .tuple(
      fc.record(
        {
          query: fc.oneof(fc.string({ maxLength: 40 }), anyText(40), fc.jsonValue({ maxDepth: 2 })),
          variables: fc.jsonValue({ maxDepth: 3 }),
          operationName: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
          extensions: fc.jsonValue({ maxDepth: 3 }),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(
        fc.constantFrom('__proto__', 'constructor', 'queryId', 'documentId', 'id'),
        fc.jsonValue({ maxDepth: 1 }),
        { maxKeys: 2 },
      ),
    )
    .map(([envelope, extra]) => JSON.stringify({ ...extra, ...envelope })),
  fc.array(fc.record({ query: fc.string({ maxLength: 20 }) }), { maxLength: 3 }).map((batch) => JSON.stringify(batch)),
);

/** The content types Yoga reads a request in (and CSRF prevention refuses the simple ones of). */
const READABLE_CONTENT_TYPE =
  /^\s*(application\/json|application\/graphql|text\/plain|multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

/** Content types the GraphQL endpoint does not take a JSON request in, and random ones. */
export const unsupportedContentType: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'application/graphql-response+json',
    'application/JSON',
    'text/json',
    'application/x-json',
    'application/xml',
    'text/html',
    'application/octet-stream',
    'application/x-ndjson',
    'image/png',
    'application/json-patch+json',
  ),
  fc.string({ maxLength: 40 }).filter((value) => !READABLE_CONTENT_TYPE.test(value)),
);

/** Accept values the gateway has no answer type for (an event stream or multipart answer is a valid choice, so not these). */
export const unsupportedAccept: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('application/xml', 'text/html', 'text/plain', 'image/png'),
  fc.string({ maxLength: 40 }).filter((value) => !/json|\*|event-stream|multipart/i.test(value)),
);
