import { describe, expect, it } from 'vitest';
import { DigestClient } from '../../../src/ops-manager/digest.ts';
import { digestAuth } from '../../../src/ops-manager/stages/digest.ts';
import { GET, record, scripted, URL_ } from './helpers.ts';

const challenge = new Response('', {
  status: 401,
  headers: { 'www-authenticate': 'Digest realm="MMS Public API", nonce="n1", algorithm=MD5, qop="auth"' },
});

describe('Digest stage', () => {
  it('sends the challenge round trip through the next stage and writes the challenge into the record', async () => {
    const next = scripted(challenge, new Response('[]', { status: 200 }));
    const call = record();
    const session = new DigestClient({ credentials: { username: 'pub', password: 'secret' } });
    const answer = await digestAuth(session)(next)(URL_, GET, call);
    expect(answer.status).toBe(200);
    expect(next.calls).toHaveLength(2);
    expect(new Headers(next.calls[0]!.init.headers).get('authorization')).toBeNull();
    expect(new Headers(next.calls[1]!.init.headers).get('authorization')).toMatch(
      /^Digest username="pub", realm="MMS Public API", nonce="n1", uri="\/api\/public\/v1.0\/groups\/5e2211c17a3e5a48f5497de3\/invites", algorithm=MD5, qop=auth, nc=00000001/,
    );
    expect(call.challenges).toBe(1);
  });

  it('signs later calls of the same session without a new challenge', async () => {
    const next = scripted(challenge, new Response('[]', { status: 200 }));
    const session = new DigestClient({ credentials: { username: 'pub', password: 'secret' } });
    const send = digestAuth(session)(next);
    await send(URL_, GET, record());
    const second = record();
    await send(URL_, GET, second);
    expect(next.calls).toHaveLength(3);
    expect(second.challenges).toBe(0);
    expect(new Headers(next.calls[2]!.init.headers).get('authorization')).toContain('nc=00000002');
  });
});
