import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespacedFieldName } from '../../src/schema/namespace.ts';
import { generatedInvitationId, generatedProjectId, generatedUsername } from '../../src/simulator/demo-data.ts';
import { type FederatedStack, type RouterResult, startFederatedStack } from './federated-stack.ts';

/** One GraphQL request over HTTP to a URL of our service. */
async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<RouterResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as RouterResult;
}

/**
 * The renamed schema at run time, through real requests to /subgraph (no router): the renamed
 * mutations resolve, result union members and errors-as-data members answer their namespaced
 * `__typename`, enum values and scalars parse and serialize as before, under the names asked for.
 * /graphql of the same service keeps the plain names.
 */
describe.each([
  ['the default namespace', undefined, 'OpsManager'],
  ['another namespace', 'Acme', 'Acme'],
  ['the namespace off', '', ''],
])('/subgraph under %s', (_label, setting, ns) => {
  const mutation = (name: string) => (ns ? namespacedFieldName(ns, name) : name);
  let stack: FederatedStack;
  let subgraph: string;
  beforeAll(async () => {
    stack = await startFederatedStack({ namespace: setting, seed: { projects: 10, invitationsPerProject: 2 } });
    subgraph = stack.subgraphUrl;
  });
  afterAll(() => stack?.close());

  it(`answers _service { sdl } with ${ns || 'the plain'} names`, async () => {
    const { data } = await post(subgraph, '{ _service { sdl } }');
    const sdl = (data!._service as { sdl: string }).sdl;
    expect(sdl).toMatch(new RegExp(`^type ${ns}Invitation \\{`, 'm'));
    expect(sdl).toMatch(new RegExp(`^interface ${ns}Error \\{`, 'm'));
    expect(sdl).toMatch(new RegExp(`^\\s+${mutation('createInvitation')}\\(`, 'm'));
    expect(sdl).toMatch(/^type Project\s+@key\(fields: "id"\)/m);
  });

  it('creates: the mutation, its success member, enum values in and out, the scalars', async () => {
    const projectId = generatedProjectId(1);
    const result = await post(
      subgraph,
      `mutation ($projectId: ${ns}ObjectID!, $username: ${ns}EmailAddress!, $roles: [${ns}ProjectRole!]!) {
        ${mutation('createInvitation')}(projectId: $projectId, username: $username, roles: $roles) {
          __typename ... on ${ns}InvitationCreated { invitation { __typename id username roles createdAt expiresAt project { id } } } } }`,
      // Upper-case id and a padded address: the scalars' parsing (lower-cased, trimmed) still runs.
      {
        projectId: projectId.toUpperCase(),
        username: '  Created.Here@example.com ',
        roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'],
      },
    );
    expect(result.errors).toBeUndefined();
    const created = result.data![mutation('createInvitation')] as {
      __typename: string;
      invitation: Record<string, unknown>;
    };
    expect(created.__typename).toBe(`${ns}InvitationCreated`);
    expect(created.invitation).toMatchObject({
      __typename: `${ns}Invitation`,
      username: 'Created.Here@example.com',
      roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'],
      project: { id: projectId },
    });
    expect(created.invitation.id).toMatch(/^[0-9a-f]{24}$/);
    // DateTime serializes as Ops Manager writes it.
    expect(created.invitation.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('an errors-as-data member answers its namespaced __typename and the interface fragment', async () => {
    const projectId = generatedProjectId(2);
    const result = await post(
      subgraph,
      `mutation { ${mutation('createInvitation')}(projectId: "${projectId}", username: "${generatedUsername(2, 0)}", roles: [GROUP_OWNER]) {
        __typename ... on ${ns}Error { code message } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data![mutation('createInvitation')]).toEqual({
      __typename: `${ns}AlreadyExistsError`,
      code: 'INVITATION_ALREADY_EXISTS',
      message: expect.any(String),
    });
  });

  it('updates roles by a oneOf selector, and refuses one with both members', async () => {
    const projectId = generatedProjectId(3);
    const query = `mutation ($invitation: ${ns}InvitationSelector!) {
      ${mutation('updateInvitationRoles')}(projectId: "${projectId}", invitation: $invitation, roles: [GROUP_OWNER]) {
        __typename ... on ${ns}InvitationRolesUpdated { invitation { roles } } ... on ${ns}InvalidInputError { code field } } }`;
    const updated = await post(subgraph, query, { invitation: { id: generatedInvitationId(3, 0) } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data![mutation('updateInvitationRoles')]).toEqual({
      __typename: `${ns}InvitationRolesUpdated`,
      invitation: { roles: ['GROUP_OWNER'] },
    });

    const both = await post(subgraph, query, {
      invitation: { id: generatedInvitationId(3, 0), username: generatedUsername(3, 0) },
    });
    expect(both.data).toBeUndefined();
    expect(both.errors![0]!.message).toMatch(new RegExp(`${ns}InvitationSelector`));
  });

  it('deletes, then finds nothing: the NotFound member with its code', async () => {
    const projectId = generatedProjectId(4);
    const invitationId = generatedInvitationId(4, 1);
    const query = `mutation { ${mutation('deleteInvitation')}(projectId: "${projectId}", invitationId: "${invitationId}") {
      __typename ... on ${ns}InvitationDeleted { invitationId } ... on ${ns}NotFoundError { code } } }`;
    expect((await post(subgraph, query)).data).toEqual({
      [mutation('deleteInvitation')]: { __typename: `${ns}InvitationDeleted`, invitationId },
    });
    expect((await post(subgraph, query)).data).toEqual({
      [mutation('deleteInvitation')]: { __typename: `${ns}NotFoundError`, code: 'INVITATION_NOT_FOUND' },
    });
  });

  it('a bad ObjectID is refused by the renamed scalar, BAD_USER_INPUT, before any call', async () => {
    stack.simulator.counters.reset();
    const result = await post(
      subgraph,
      `mutation ($id: ${ns}ObjectID!) { ${mutation('deleteInvitation')}(projectId: $id, invitationId: $id) { __typename } }`,
      {
        id: 'not-an-id',
      },
    );
    expect(result.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('/graphql of the same service keeps the plain names', async () => {
    const graphql = subgraph.replace(/\/subgraph$/, '/graphql');
    const result = await post(
      graphql,
      `mutation { createInvitation(projectId: "${generatedProjectId(5)}", username: "plain@example.com", roles: [GROUP_OWNER]) { __typename } }`,
    );
    expect(result).toEqual({ data: { createInvitation: { __typename: 'InvitationCreated' } } });
    if (ns) {
      const namespaced = await post(
        graphql,
        `mutation { ${mutation('createInvitation')}(projectId: "${generatedProjectId(5)}", username: "x@example.com", roles: [GROUP_OWNER]) { __typename } }`,
      );
      expect(namespaced.errors![0]!.message).toMatch(/Cannot query field/);
    }
  });
});
