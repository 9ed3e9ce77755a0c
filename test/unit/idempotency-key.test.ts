import { describe, expect, it } from 'vitest';
import { anonymousCaller, callerFromBasicAuth } from '../../src/auth/caller.ts';
import { callerScope, parseIdempotencyKey, requestFingerprint, storeKey } from '../../src/idempotency/key.ts';
import { createMemoryStore } from '../../src/idempotency/store.ts';

describe('the Idempotency-Key header', () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['  "with spaces inside"  ', 'with spaces inside'],
    [`"${'k'.repeat(255)}"`, 'k'.repeat(255)],
  ])('accepts %j', (header, key) => {
    expect(parseIdempotencyKey(header)).toEqual({ kind: 'key', key });
  });

  it.each(['', '""', '"unterminated', 'two words', '"tab\there"', `"${'k'.repeat(256)}"`, '"quote"inside"', 'é'])(
    'refuses %j',
    (header) => {
      expect(parseIdempotencyKey(header)).toEqual({ kind: 'invalid' });
    },
  );

  it('is absent when the header is', () => {
    expect(parseIdempotencyKey(null)).toEqual({ kind: 'absent' });
  });
});

describe('scopes and fingerprints', () => {
  it('scopes keys by caller: subject, passthrough key hash, or one anonymous scope', () => {
    const passthrough = callerFromBasicAuth(`Basic ${Buffer.from('public:private-key-value').toString('base64')}`);
    expect(callerScope(passthrough)).toBe(`key:${passthrough.apiKey!.fingerprint}`);
    expect(callerScope(passthrough)).not.toContain('private-key-value');
    expect(callerScope({ ...anonymousCaller, mode: 'jwt', subject: 'alice' })).toBe('sub:alice');
    expect(callerScope(anonymousCaller)).toBe('anonymous');
    expect(storeKey('sub:alice', 'k')).not.toBe(storeKey('sub:bob', 'k'));
  });

  it('a request is the same whatever the order of its variables, and differs by any part', () => {
    const base = { query: 'mutation { x }', operationName: 'X', variables: { a: 1, b: { c: [1, 2] } } };
    expect(requestFingerprint(base)).toBe(requestFingerprint({ ...base, variables: { b: { c: [1, 2] }, a: 1 } }));
    expect(requestFingerprint(base)).not.toBe(requestFingerprint({ ...base, variables: { a: 2, b: { c: [1, 2] } } }));
    expect(requestFingerprint(base)).not.toBe(requestFingerprint({ ...base, query: 'mutation { y }' }));
    expect(requestFingerprint(base)).not.toBe(requestFingerprint({ ...base, operationName: 'Y' }));
  });
});

describe('the in-memory store', () => {
  it('claims once, answers what is there, forgets released keys', async () => {
    const store = createMemoryStore();
    expect(await store.claim('k', 'fp', 1_000)).toEqual({ claimed: true });
    expect(await store.claim('k', 'fp', 1_000)).toEqual({
      claimed: false,
      entry: { state: 'running', fingerprint: 'fp' },
    });
    await store.complete('k', 'fp', 'answer', 1_000);
    expect(await store.claim('k', 'other', 1_000)).toEqual({
      claimed: false,
      entry: { state: 'done', fingerprint: 'fp', answer: 'answer' },
    });
    await store.release('k');
    expect(await store.claim('k', 'fp', 1_000)).toEqual({ claimed: true });
  });

  it('forgets the least recently used keys beyond its bound', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.claim('a', 'fp', 1_000);
    await store.claim('b', 'fp', 1_000);
    await store.claim('c', 'fp', 1_000);
    expect(await store.claim('a', 'fp', 1_000)).toEqual({ claimed: true });
  });
});
