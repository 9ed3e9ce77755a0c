import { describe, expect, it } from 'vitest';
import { parseDigestParams } from '../../src/simulator/digest.ts';
import { NonceRegistry } from '../../src/simulator/nonces.ts';

describe('NonceRegistry', () => {
  it('forgets expired nonces as new ones are issued, so its state stays bounded', () => {
    let clock = 0;
    const registry = new NonceRegistry({ lifetimeMs: 1_000, now: () => clock });
    for (let i = 0; i < 50; i += 1) registry.issue();
    expect(registry.trackedCount).toBe(50);
    clock = 1_001;
    registry.issue();
    expect(registry.trackedCount).toBe(1);
  });

  it('keeps at most maxTracked nonces and asks for a fresh one (forgotten) when an evicted nonce comes back', () => {
    const registry = new NonceRegistry({ lifetimeMs: 60_000, now: () => 0, maxTracked: 3 });
    const first = registry.issue();
    for (let i = 0; i < 3; i += 1) registry.issue();
    expect(registry.trackedCount).toBe(3);
    expect(registry.issuedAt(first)).toBe(0); // still recognisably ours...
    expect(registry.recordCount(first, 1)).toBe('forgotten'); // ...but its nc history is gone
  });

  it('tells its own nonces from tampered or foreign ones', () => {
    const registry = new NonceRegistry({ lifetimeMs: 60_000, now: () => 1_234_567 });
    const nonce = registry.issue();
    expect(registry.issuedAt(nonce)).toBe(1_234_567);
    const bytes = Buffer.from(nonce, 'base64');
    bytes[7] = (bytes[7] ?? 0) ^ 1; // move the issue time
    expect(registry.issuedAt(bytes.toString('base64'))).toBeUndefined();
    expect(registry.issuedAt('not-a-nonce')).toBeUndefined();
    expect(new NonceRegistry({ lifetimeMs: 1, now: () => 0 }).issuedAt(nonce)).toBeUndefined();
  });

  it('accepts only a strictly rising nonce count', () => {
    const registry = new NonceRegistry({ lifetimeMs: 60_000, now: () => 0 });
    const nonce = registry.issue();
    expect(registry.recordCount(nonce, 2)).toBe('accepted');
    expect(registry.recordCount(nonce, 2)).toBe('replayed');
    expect(registry.recordCount(nonce, 1)).toBe('replayed');
    expect(registry.recordCount(nonce, 3)).toBe('accepted');
  });
});

describe('parseDigestParams', () => {
  it('reads quoted strings (with escapes and commas) and tokens, lowercasing names', () => {
    expect(parseDigestParams('Username="a\\"b", realm="x, y", NC=00000001, qop=auth')).toEqual({
      username: 'a"b',
      realm: 'x, y',
      nc: '00000001',
      qop: 'auth',
    });
  });

  it('rejects broken syntax', () => {
    expect(parseDigestParams('username="unterminated')).toBeUndefined();
    expect(parseDigestParams('just words')).toBeUndefined();
  });
});
