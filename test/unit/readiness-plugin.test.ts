import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useReadiness } from '../../src/plugins/use-readiness.ts';

const schema = createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });

function gatewayWith(isReady: () => Promise<boolean>) {
  return createYoga({ schema, logging: false, plugins: [useReadiness({ endpoint: '/readiness', isReady })] });
}

describe('useReadiness', () => {
  it('responds 200 when ready, 503 when not, and 503 when the check fails', async () => {
    let ready: () => Promise<boolean> = async () => true;
    const yoga = gatewayWith(() => ready());
    expect((await yoga.fetch('http://gateway.test/readiness')).status).toBe(200);
    expect((await yoga.fetch('http://gateway.test/readiness?probe=1')).status).toBe(200);
    ready = async () => false;
    expect((await yoga.fetch('http://gateway.test/readiness')).status).toBe(503);
    ready = () => Promise.reject(new Error('upstream detail that must not be sent'));
    const failed = await yoga.fetch('http://gateway.test/readiness');
    expect(failed.status).toBe(503);
    expect(await failed.text()).toBe('');
  });

  it('leaves every other path to GraphQL, even one that mentions the endpoint', async () => {
    let checks = 0;
    const yoga = gatewayWith(async () => {
      checks += 1;
      return false;
    });
    const query = await yoga.fetch('http://gateway.test/graphql?query={ok}&from=/readiness', {
      headers: { accept: 'application/json' },
    });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { ok: true } });
    expect((await yoga.fetch('http://gateway.test/readiness/more')).status).not.toBe(503);
    expect(checks).toBe(0);
  });
});
