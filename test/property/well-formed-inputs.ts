import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from '../integration/stack.ts';
import { isAcceptedEmail, plainEmail, ROLES, wellFormedId } from './arbitraries.ts';
import {
  type Call,
  errorLogLines,
  expectHarmless,
  expectRefused,
  expectStillServing,
  expectUpstreamPathServing,
  forAll,
  operation,
  PAYMENTS,
  refusalFlaws,
  send,
  Tally,
} from './harness.ts';
import { PROPERTY_TIMEOUT_MS } from './invalid-input-suite.ts';
import { DEMO_INVITATION } from './positions.ts';

/**
 * Valid-looking but semantically wrong input: well-formed ids of projects or invitations that do
 * not exist, any case of a valid id, RFC 5322 and plain addresses, role lists with repeats. These must
 * reach Ops Manager (that is how the gateway learns they do not exist), exactly once per project
 * per operation, and come back as a coded error (or a null, or a result) — never a 5xx.
 *
 * Inputs: 250 + 150 + 250 + 150 = 800 (the summary at the end of the run counts them per class).
 */

const LIST_ROUTE = 'GET /groups/{groupId}/invites';
const ITEM_DELETE_ROUTE = 'DELETE /groups/{groupId}/invites/{invitationId}';
const ITEM_PATCH_ROUTE = 'PATCH /groups/{groupId}/invites/{invitationId}';

const anyCase = (id: fc.Arbitrary<string>) =>
  fc
    .tuple(id, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }))
    .map(([value, upper]) => [...value].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

describe('property: well-formed inputs that name nothing', () => {
  let stack: Stack;
  const tally = new Tally();
  /** Sends one request and counts the authenticated upstream calls it made, per route and per concrete path. */
  async function sendCounting(inputClass: string, call: Call) {
    const before = stack.simulator.counters.snapshot();
    const answer = await send(stack, call);
    const after = stack.simulator.counters.snapshot();
    tally.record(inputClass, answer);
    const increase = (was: Record<string, number>, now: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(now).flatMap(([key, count]) =>
          count > (was[key] ?? 0) ? [[key, count - (was[key] ?? 0)]] : [],
        ),
      );
    const upstream = {
      byRoute: increase(before.byRoute, after.byRoute),
      byPath: increase(before.byPath, after.byPath),
      applied: after.applied - before.applied,
    };
    return { answer, upstream };
  }

  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
  });
  afterAll(async () => {
    console.log(tally.format('property: well-formed inputs that name nothing'));
    await stack?.close();
  });

  it('ids of any case, of unknown and known projects: one GET, lower case, PROJECT_NOT_FOUND on the field (250 runs)', {
    timeout: PROPERTY_TIMEOUT_MS,
  }, async () => {
    const name = 'well-formed project ids, any case';
    await forAll(
      anyCase(fc.oneof(wellFormedId, fc.constantFrom(...DEMO_PROJECT_IDS))),
      { numRuns: 250 },
      async (id) => {
        const lower = id.toLowerCase();
        const { answer, upstream } = await sendCounting(
          name,
          operation('query ($id: ObjectID!) { project(id: $id) { id invitations { id } } }', { id }),
        );
        expectHarmless(answer, { upstreamAllowed: true });
        expect(upstream.byRoute).toEqual({ [LIST_ROUTE]: 1 });
        expect(upstream.byPath).toEqual({ [`GET /api/public/v1.0/groups/${lower}/invites`]: 1 });
        const project = (answer.json as { data: { project: { id: string; invitations: unknown[] | null } } }).data
          .project;
        expect(project.id).toBe(lower);
        if (DEMO_PROJECT_IDS.includes(lower)) {
          expect(answer.errors).toEqual([]);
          expect(project.invitations).not.toBeNull();
        } else {
          expect(answer.status).toBe(200);
          expect(refusalFlaws(answer, { codes: ['PROJECT_NOT_FOUND'] })).toEqual([]);
          expect(project.invitations).toBeNull();
        }
      },
    );
    await expectStillServing(stack);
  });

  it('invitation ids a project does not have: null on read, INVITATION_NOT_FOUND on delete, one call, nothing applied (150 runs)', {
    timeout: PROPERTY_TIMEOUT_MS,
  }, async () => {
    const name = 'well-formed invitation ids the project lacks';
    const existing = new Set(stack.simulator.store.listInvitations(PAYMENTS).map((invitation) => invitation.id));
    await forAll(
      fc.tuple(
        wellFormedId.filter((id) => !existing.has(id)),
        fc.boolean(),
      ),
      { numRuns: 150 },
      async ([invitationId, asDelete]) => {
        if (asDelete) {
          const { answer, upstream } = await sendCounting(
            name,
            operation(
              `mutation ($id: ObjectID!) { result: deleteInvitation(projectId: "${PAYMENTS}", invitationId: $id) { __typename ... on Error { code message } } }`,
              {
                id: invitationId,
              },
            ),
          );
          expectHarmless(answer, { upstreamAllowed: true });
          expect(upstream.byRoute).toEqual({ [ITEM_DELETE_ROUTE]: 1 });
          expect(upstream.applied).toBe(0);
          expect(answer.json).toEqual({
            data: {
              result: { __typename: 'NotFoundError', code: 'INVITATION_NOT_FOUND', message: expect.any(String) },
            },
          });
        } else {
          const { answer, upstream } = await sendCounting(
            name,
            operation(`query ($id: ObjectID!) { project(id: "${PAYMENTS}") { invitation(id: $id) { id } } }`, {
              id: invitationId,
            }),
          );
          expectHarmless(answer, { upstreamAllowed: true });
          expect(upstream.byRoute).toEqual({ [LIST_ROUTE]: 1 });
          expect(answer.json).toEqual({ data: { project: { invitation: null } } });
        }
      },
    );
    await expectStillServing(stack);
  });

  it('RFC 5322 and plain addresses: those the gateway accepts are looked up once, the rest refused before any call (250 runs)', {
    timeout: PROPERTY_TIMEOUT_MS,
  }, async () => {
    await forAll(fc.oneof(fc.emailAddress(), plainEmail), { numRuns: 250 }, async (username) => {
      const accepted = isAcceptedEmail(username);
      const { answer, upstream } = await sendCounting(
        accepted ? 'RFC 5322 or plain addresses the gateway accepts' : 'RFC 5322 addresses the gateway refuses',
        operation(
          `query ($u: EmailAddress) { project(id: "${PAYMENTS}") { invitations(username: $u) { username } } }`,
          { u: username },
        ),
      );
      if (accepted) {
        expectHarmless(answer, { upstreamAllowed: true });
        expect(upstream.byRoute).toEqual({ [LIST_ROUTE]: 1 });
        const found = (answer.json as { data: { project: { invitations: Array<{ username: string }> } } }).data.project
          .invitations;
        for (const invitation of found) expect(invitation.username.toLowerCase()).toBe(username.trim().toLowerCase());
      } else {
        expectRefused(answer, { status: [400], codes: ['BAD_USER_INPUT'] });
      }
    });
    await expectStillServing(stack);
  });

  it('role lists with repeats: one PATCH carrying each role once, in order (150 runs)', {
    timeout: PROPERTY_TIMEOUT_MS,
  }, async () => {
    const name = 'valid role lists with repeats';
    try {
      await forAll(
        fc.array(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 60 }),
        { numRuns: 150 },
        async (roles) => {
          const { answer, upstream } = await sendCounting(
            name,
            operation(
              `mutation ($roles: [ProjectRole!]!) { result: updateInvitationRoles(projectId: "${PAYMENTS}", invitation: { id: "${DEMO_INVITATION}" }, roles: $roles) {
              __typename ... on InvitationRolesUpdated { invitation { roles } } ... on Error { code message } } }`,
              { roles },
            ),
          );
          expectHarmless(answer, { upstreamAllowed: true });
          expect(upstream.byRoute).toEqual({ [ITEM_PATCH_ROUTE]: 1 });
          expect(answer.json).toEqual({
            data: { result: { __typename: 'InvitationRolesUpdated', invitation: { roles: [...new Set(roles)] } } },
          });
        },
      );
    } finally {
      stack.simulator.store.reset();
    }
    await expectUpstreamPathServing(stack);
  });

  it('logged no unexpected error', () => {
    expect(errorLogLines(stack)).toEqual([]);
  });
});
