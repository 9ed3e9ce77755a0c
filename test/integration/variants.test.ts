import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import {
  DEFAULT_API_KEY_OWNER,
  DEMO_API_KEY,
  DEMO_PROJECT_IDS,
  type SimulatorOptions,
} from '../../src/simulator/index.ts';
import { type Stack, startStack } from './stack.ts';

/**
 * The gateway's core reads and mutations against every simulator variant: the ways real servers
 * are known to answer differently from the Ops Manager docs (create 200, delete 200 `{}` or 200
 * with an empty JSON-typed body, the inviter as the public key), and a Digest server that lets
 * nonces go stale after a second or does not check nonce counts. Real HTTP, real Digest; each
 * variant's GraphQL answers are compared with those against the documented defaults.
 */

interface Variant {
  name: string;
  simulator: SimulatorOptions;
  /** What `inviterUsername` of an invitation the gateway creates says, per this variant. */
  inviter: string;
}

const VARIANTS: Variant[] = [
  {
    name: 'the Ops Manager docs (201, 204, key owner, 300 s nonces, nc checked)',
    simulator: {},
    inviter: DEFAULT_API_KEY_OWNER,
  },
  { name: 'create answers 200', simulator: { createStatus: 200 }, inviter: DEFAULT_API_KEY_OWNER },
  { name: 'delete answers 200 {}', simulator: { deleteResponse: 'empty-object' }, inviter: DEFAULT_API_KEY_OWNER },
  {
    name: 'delete answers 200 with an empty JSON-typed body',
    simulator: { deleteResponse: 'empty-body' },
    inviter: DEFAULT_API_KEY_OWNER,
  },
  {
    name: 'inviterUsername is the public key',
    simulator: { apiKeyInviter: 'public-key' },
    inviter: DEMO_API_KEY.publicKey,
  },
  { name: 'nonces stale after 1 s', simulator: { nonceLifetimeMs: 1_000 }, inviter: DEFAULT_API_KEY_OWNER },
  { name: 'nonce counts not checked', simulator: { checkNonceCount: false }, inviter: DEFAULT_API_KEY_OWNER },
  {
    name: 'all of Atlas’s differences at once (200, 200 with empty body, public key)',
    simulator: { createStatus: 200, deleteResponse: 'empty-body', apiKeyInviter: 'public-key' },
    inviter: DEMO_API_KEY.publicKey,
  },
];

const [payments] = DEMO_PROJECT_IDS as [string];
const JOHN = '6123a4b5c6d7e8f901a2b302';
const MISSING_PROJECT = 'ffffffffffffffffffffffff';
const MISSING_INVITATION = '000000000000000000000000';
const NEW_USER = 'variant.user@example.com';
const INVITATION = 'id username inviterUsername roles roleNames projectName createdAt expiresAt expired';
const RESULT = `__typename ... on Error { code message }`;

/** A case: a document and variables, the latter may use what earlier cases answered. */
interface Case {
  name: string;
  query: string;
  variables?: (state: { createdId?: string }) => Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'list', query: `{ project(id: "${payments}") { id invitations { ${INVITATION} } } }` },
  {
    name: 'filter by username (any case, spaces around)',
    query: `{ project(id: "${payments}") { invitations(username: "  John.Doe@EXAMPLE.com ") { ${INVITATION} } } }`,
  },
  {
    name: 'create',
    query: `mutation { r: createInvitation(projectId: "${payments}", username: "${NEW_USER}", roles: [GROUP_READ_ONLY, GROUP_BACKUP_ADMIN]) { ${RESULT} ... on InvitationCreated { invitation { ${INVITATION} } } } }`,
  },
  {
    name: 'create again: already exists',
    query: `mutation { r: createInvitation(projectId: "${payments}", username: "${NEW_USER}", roles: [GROUP_READ_ONLY]) { ${RESULT} } }`,
  },
  {
    name: 'update roles by id',
    query: `mutation ($id: ObjectID!) { r: updateInvitationRoles(projectId: "${payments}", invitation: { id: $id }, roles: [GROUP_OWNER]) { ${RESULT} ... on InvitationRolesUpdated { invitation { ${INVITATION} } } } }`,
    variables: ({ createdId }) => ({ id: createdId }),
  },
  {
    name: 'update roles by username',
    query: `mutation { r: updateInvitationRoles(projectId: "${payments}", invitation: { username: "JOHN.DOE@example.com" }, roles: [GROUP_DATA_ACCESS_READ_ONLY, GROUP_MONITORING_ADMIN]) { ${RESULT} ... on InvitationRolesUpdated { invitation { ${INVITATION} } } } }`,
  },
  {
    name: 'delete',
    query: `mutation ($id: ObjectID!) { r: deleteInvitation(projectId: "${payments}", invitationId: $id) { ${RESULT} ... on InvitationDeleted { invitationId project { id } } } }`,
    variables: ({ createdId }) => ({ id: createdId }),
  },
  {
    name: 'delete again: not found',
    query: `mutation ($id: ObjectID!) { r: deleteInvitation(projectId: "${payments}", invitationId: $id) { ${RESULT} } }`,
    variables: ({ createdId }) => ({ id: createdId }),
  },
  {
    name: 'update an unknown invitation: not found',
    query: `mutation { r: updateInvitationRoles(projectId: "${payments}", invitation: { id: "${MISSING_INVITATION}" }, roles: [GROUP_OWNER]) { ${RESULT} } }`,
  },
  { name: 'an unknown project: not found', query: `{ project(id: "${MISSING_PROJECT}") { invitations { id } } }` },
  {
    name: 'one invitation by id, and the list after the changes',
    query: `{ project(id: "${payments}") { invitation(id: "${JOHN}") { ${INVITATION} } invitations { ${INVITATION} } } }`,
  },
];

/** Every variant runs on the same clock, which steps 2 s before each case: the same timestamps everywhere, and 1 s nonces go stale. */
const T0 = Date.UTC(2026, 0, 15, 9, 30, 0);
const STEP_MS = 2_000;

type Answer = { status: number; data: unknown; errors: unknown };
/** Answers by variant name, then by case name. */
const answers = new Map<string, Map<string, Answer>>();

describe.each(VARIANTS)('variant: $name', (variant) => {
  let stack: Stack;
  let clock = T0;
  const state: { createdId?: string } = {};
  const mine = new Map<string, Answer>();
  answers.set(variant.name, mine);

  beforeAll(async () => {
    stack = await startStack({
      logLevel: 'warn',
      simulator: { ...variant.simulator, now: () => clock },
      clock: { ...systemClock, now: () => clock },
    });
  });
  afterAll(async () => {
    if (stack) {
      const { authenticated, challenges, staleChallenges } = stack.simulator.counters.snapshot();
      console.log(
        `variant "${variant.name}": ${CASES.length} cases, ${authenticated} authenticated upstream calls, ${challenges} Digest challenges (${staleChallenges} stale)`,
      );
    }
    await stack?.close();
  });

  it.each(CASES)('$name', async (testCase) => {
    clock += STEP_MS;
    const result = await stack.execute(testCase.query, testCase.variables?.(state));
    const answer = { status: result.status, data: result.data, errors: result.errors };
    if (testCase.name === 'create') {
      const invitation = (result.data as { r: { invitation?: { id: string; inviterUsername: string } } }).r.invitation;
      expect(invitation, JSON.stringify(result)).toBeDefined();
      state.createdId = invitation!.id;
      expect(invitation!.inviterUsername).toBe(variant.inviter);
    }
    mine.set(testCase.name, answer);
    // No case may end as an unexpected error: the expected failures are typed members or coded errors.
    expect(result.status).toBe(200);
    expect(JSON.stringify(answer)).not.toMatch(/UPSTREAM_|MUTATION_OUTCOME_UNKNOWN|Unexpected error/);
  });

  it('made the upstream calls the cases need, each at most once per change', () => {
    const { byRoute, applied, staleChallenges } = stack.simulator.counters.snapshot();
    expect(byRoute['POST /groups/{groupId}/invites']).toBe(2);
    expect(byRoute['PATCH /groups/{groupId}/invites/{invitationId}']).toBe(2);
    expect(byRoute['PATCH /groups/{groupId}/invites']).toBe(1);
    expect(byRoute['DELETE /groups/{groupId}/invites/{invitationId}']).toBe(2);
    // create, update by id, update by username, delete
    expect(applied).toBe(4);
    // The 1 s nonces went stale between cases (2 s apart) and the gateway signed again; no other variant saw one.
    if (variant.simulator.nonceLifetimeMs === 1_000) expect(staleChallenges).toBeGreaterThan(0);
    else expect(staleChallenges).toBe(0);
  });
});

/** The answers with what legitimately differs replaced: the new invitation's id (random per server) and inviter. */
function comparable(variantAnswers: Map<string, Answer>, variant: Variant): string {
  const createdId = (variantAnswers.get('create')!.data as { r: { invitation: { id: string } } }).r.invitation.id;
  return JSON.stringify(Object.fromEntries(variantAnswers))
    .replaceAll(createdId, '<created id>')
    .replaceAll(JSON.stringify(variant.inviter), '"<inviter of the API key>"');
}

describe('every variant', () => {
  const [documented, ...others] = VARIANTS as [Variant, ...Variant[]];

  it('ran every case against the documented defaults, with the answers a reader expects', () => {
    const reference = answers.get(documented.name)!;
    expect([...reference.keys()]).toEqual(CASES.map((testCase) => testCase.name));
    expect(reference.get('create again: already exists')?.data).toMatchObject({
      r: { __typename: 'AlreadyExistsError', code: 'INVITATION_ALREADY_EXISTS' },
    });
    expect(reference.get('delete')?.data).toMatchObject({ r: { __typename: 'InvitationDeleted' } });
    expect(reference.get('delete again: not found')?.data).toMatchObject({
      r: { __typename: 'NotFoundError', code: 'INVITATION_NOT_FOUND' },
    });
    expect(reference.get('update roles by username')?.data).toMatchObject({
      r: { invitation: { id: JOHN, roles: ['GROUP_DATA_ACCESS_READ_ONLY', 'GROUP_MONITORING_ADMIN'] } },
    });
    expect(
      (reference.get('an unknown project: not found')!.errors as Array<{ extensions: { code: string } }>)[0]?.extensions
        .code,
    ).toBe('PROJECT_NOT_FOUND');
  });

  it.each(others)('gives the same GraphQL answers with $name', (variant) => {
    expect(comparable(answers.get(variant.name)!, variant)).toBe(comparable(answers.get(documented.name)!, documented));
  });
});
