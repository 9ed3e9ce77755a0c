import { describe, expect, it } from 'vitest';
import { compose, type Stage, type UpstreamFetch } from '../../../src/ops-manager/pipeline.ts';
import { GET, record, status, URL_ } from './helpers.ts';

describe('compose', () => {
  it('runs the first stage outermost and hands every stage the same call record', async () => {
    const seen: string[] = [];
    const stage =
      (name: string): Stage =>
      (next) =>
      async (url, init, call) => {
        seen.push(`${name} in`);
        call.roundTrips += 1;
        const answer = await next(url, init, call);
        seen.push(`${name} out`);
        return answer;
      };
    const transport: UpstreamFetch = async (_url, _init, call) => {
      seen.push('transport');
      call.roundTrips += 1;
      return status(200);
    };
    const call = record();
    await compose([stage('retry'), stage('limit'), stage('breaker')], transport)(URL_, GET, call);
    expect(seen).toEqual(['retry in', 'limit in', 'breaker in', 'transport', 'breaker out', 'limit out', 'retry out']);
    expect(call.roundTrips).toBe(4);
  });
});
