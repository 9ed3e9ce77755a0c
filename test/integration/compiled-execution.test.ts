import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { type App, createApp } from '../../src/app.ts';
import type { Gateway } from '../../src/gateway.ts';
import {
  DeleteInvitationDocument,
  ProjectInvitationDocument,
  ProjectInvitationsDocument,
  ProjectsInvitationsDocument,
  UpdateInvitationRolesDocument,
} from 'ops-manager-invitations-client/documents';
import {
  DEMO_API_KEY,
  DEMO_EXPIRED_INVITATION_ID,
  DEMO_INVITATIONS,
  DEMO_PROJECT_IDS,
} from '../../src/simulator/demo-data.ts';
import { appOverrides, type Stack, stackConfig, startStack } from './stack.ts';

const [payments, analytics, internalTools] = DEMO_PROJECT_IDS as [string, string, string];
const [jane] = DEMO_INVITATIONS as [(typeof DEMO_INVITATIONS)[number]];
const NOW = new Date('2026-11-22T12:00:00Z');
/** The real clock, stopped at NOW: which invitations have expired is fixed. */
const clock = { ...systemClock, now: () => NOW.getTime() };
const UNKNOWN = 'aaaaaaaaaaaaaaaaaaaaaaaa';

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Queued at the simulator before each of the two runs. */
  fault?: () => void;
}

/**
 * The gateway runs operations on graphql-jit's compiled executor. This holds it to the standard
 * executor's answers, byte for byte: the same operations, against the same simulator, through a
 * gateway with the compiled executor and one without it.
 */
describe('compiled execution (graphql-jit)', () => {
  let stack: Stack;
  let standard: Gateway;
  let standardApp: App;

  beforeAll(async () => {
    // The breaker stays out of it: both runs of a failing case must meet Ops Manager itself.
    const options = { clock, breaker: { failureThreshold: 1_000 } };
    stack = await startStack({ ...options, simulator: { now: () => NOW.getTime() } });
    // The same service over the same simulator, with graphql-js's standard executor.
    standardApp = await createApp(stackConfig({ ...options, logLevel: 'silent' }), {
      ...appOverrides({ ...options, compiledExecution: false }),
      upstream: { baseUrl: stack.simulator.baseUrl, ...DEMO_API_KEY },
    });
    standard = standardApp.gateway;
  });
  afterAll(async () => {
    await standardApp.close();
    await stack.close();
  });

  const post = async (gateway: Gateway, { query, variables }: Case) => {
    const response = await gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  };

  const faultOn = (groupId: string, status: number) => () =>
    stack.simulator.faults.inject({ kind: 'status', status }, { match: { groupId }, times: 4 });

  const cases: Case[] = [
    { name: 'the list, with a fragment', query: print(ProjectInvitationsDocument), variables: { projectId: payments } },
    {
      name: 'the username filter, any case',
      query: print(ProjectInvitationsDocument),
      variables: { projectId: internalTools, username: 'anna.kowalski@example.com' },
    },
    {
      name: 'one invitation by id',
      query: print(ProjectInvitationDocument),
      variables: { projectId: payments, invitationId: jane.id },
    },
    {
      name: 'an expired invitation',
      query: print(ProjectInvitationDocument),
      variables: { projectId: analytics, invitationId: DEMO_EXPIRED_INVITATION_ID },
    },
    {
      name: 'an unknown invitation',
      query: print(ProjectInvitationDocument),
      variables: { projectId: payments, invitationId: UNKNOWN },
    },
    {
      name: 'several projects, one unknown',
      query: print(ProjectsInvitationsDocument),
      variables: { projectIds: [payments, UNKNOWN, analytics] },
    },
    {
      name: 'aliases, inline fragments, __typename, skip and include',
      query: `query Mixed($id: ObjectID!, $yes: Boolean!) {
        a: project(id: $id) { __typename id invitations { ... on Invitation { id roles @include(if: $yes) username @skip(if: $yes) } } }
        b: project(id: "${analytics}") { id inv: invitations { expired createdAt expiresAt } }
        c: project(id: "${payments}") { id }
      }`,
      variables: { id: payments, yes: true },
    },
    {
      name: 'one project failing (503) among others: a partial answer',
      query: print(ProjectsInvitationsDocument),
      variables: { projectIds: [payments, analytics] },
      fault: faultOn(analytics, 503),
    },
    {
      name: 'a project refused by Ops Manager (403)',
      query: print(ProjectInvitationsDocument),
      variables: { projectId: payments },
      fault: faultOn(payments, 403),
    },
    {
      name: 'a failing field on line 5 of a document with CRLF and CR line ends',
      query: 'query Crlf($id: ObjectID!) {\r\n  project(id: $id) {\r  id\r\n\r\n      invitations { id }\r\n  }\r\n}',
      variables: { id: payments },
      fault: faultOn(payments, 503),
    },
    {
      name: 'a mutation, by id (the same change twice: the same answer)',
      query: print(UpdateInvitationRolesDocument),
      variables: { projectId: payments, invitation: { id: jane.id }, roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'] },
    },
    {
      name: 'a mutation, by username',
      query: print(UpdateInvitationRolesDocument),
      variables: { projectId: analytics, invitation: { username: 'LI.WEI@example.com' }, roles: ['GROUP_OWNER'] },
    },
    {
      name: 'a mutation answering a typed error (empty roles)',
      query: print(UpdateInvitationRolesDocument),
      variables: { projectId: payments, invitation: { id: jane.id }, roles: [] },
    },
    {
      name: 'a mutation answering NotFound',
      query: print(DeleteInvitationDocument),
      variables: { projectId: payments, invitationId: UNKNOWN },
    },
    {
      name: 'bad variables (the standard executor answers for both)',
      query: print(ProjectInvitationsDocument),
      variables: { projectId: 'nope' },
    },
  ];

  it.each(cases)('answers exactly as the standard executor: $name', async (testCase) => {
    testCase.fault?.();
    const compiled = await post(stack.gateway, testCase);
    stack.simulator.faults.clear();
    testCase.fault?.();
    const plain = await post(standard, testCase);
    stack.simulator.faults.clear();
    expect(compiled).toEqual(plain);
    expect(compiled.status).toBeLessThan(500);
  });

  it('compiles a document once, and never one whose variables do not coerce', async () => {
    const scrape = async () => {
      const text = await (await fetch(stack.url.replace('/graphql', '/metrics'))).text();
      return Number(/^gateway_graphql_compilations_total (\d+)/m.exec(text)?.[1]);
    };
    const once: Case = {
      name: 'once',
      query: 'query CompiledOnce($id: ObjectID!) { project(id: $id) { id } }',
      variables: { id: payments },
    };
    const before = await scrape();
    for (let run = 0; run < 3; run += 1) expect((await post(stack.gateway, once)).status).toBe(200);
    expect(await scrape()).toBe(before + 1);

    const refused = await post(stack.gateway, {
      name: 'bad',
      query: 'query NeverCompiled($id: ObjectID!) { project(id: $id) { id } }',
      variables: { id: 'nope' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await scrape()).toBe(before + 1);
  });
});
