import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { DEMO_PROJECT_IDS } from '../../src/simulator/index.ts';

async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string }> };
}

/** startServer as main.ts runs it: env → config → server (embedded simulator, port 0). */
describe('startServer serves the subgraph keyed by FEDERATION_PROJECT_ID_TYPE', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const start = async (env: Record<string, string>) => {
    server = await startServer(
      loadConfig({ PORT: '0', LOG_LEVEL: 'silent', FEDERATION_SUBGRAPH: 'true', ...env }),
      createLogger({ level: 'silent' }),
    );
    return { graphql: server.url, subgraph: server.url.replace(/\/graphql$/, '/subgraph') };
  };

  it.each([
    ['ID', {}],
    ['String', { FEDERATION_PROJECT_ID_TYPE: 'String' }],
  ])('keyed by %s at /subgraph; /graphql keeps ObjectID and its project(id:)', async (scalar, env) => {
    const { graphql, subgraph } = await start(env);
    const { data } = await post(subgraph, '{ _service { sdl } }');
    expect(data!._service.sdl).toMatch(
      new RegExp(`type Project\\s+@key\\(fields: "id"\\)\\s*\\{[^}]*\\bid: ${scalar}!`),
    );
    expect(data!._service.sdl).not.toMatch(/^type Query/m);

    const id = DEMO_PROJECT_IDS[0]!;
    const entities = await post(
      subgraph,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id invitations { id } } } }',
      {
        r: [{ __typename: 'Project', id }],
      },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities[0].id).toBe(id);

    const plain = await post(graphql, 'query ($id: ObjectID!) { project(id: $id) { id } }', { id });
    expect(plain).toEqual({ data: { project: { id } } });
  });
});
