/**
 * The peer phase's two scenarios, each written once for this gateway's schema and once for the
 * schema GraphQL Mesh derives from the OpenAPI description. The same invitation fields on both
 * sides; what differs is only what each schema is:
 * - ours: `project(id:) { id invitations { ... } }`, an object per project (its `id` is one more
 *   field, resolved from the argument), invitations typed by our schema (ObjectID, DateTime, enum);
 * - Mesh: `listProjectInvitations(GROUP_ID:)`, the list itself, a list of a union
 *   (Invitation | ApiError, from the `default` error response) read with `... on Invitation`.
 */
import { generatedProjectId } from '../../../src/simulator/demo-data.ts';
import type { Scenario } from '../scenarios.ts';

/** What both sides select of each invitation (ours also has `expired`, computed; Mesh has no such field). */
export const PEER_INVITATION_FIELDS = 'id username roles createdAt expiresAt';

export interface PeerScenario {
  id: string;
  title: string;
  /** Distinct projects one operation reads. */
  projects: number;
  /** Lists in one answer (one per alias). */
  lists: number;
  ours: Scenario;
  peer: Scenario;
}

const body = (query: string, variables?: Record<string, unknown>): string => JSON.stringify({ query, variables });
const noErrors = (text: string): boolean => !text.includes('"errors"');

function scenario(
  id: string,
  title: string,
  ids: readonly string[],
  query: string,
  variables?: Record<string, unknown>,
): Scenario {
  return {
    id,
    title,
    projects: new Set(ids).size,
    bodies: [body(query, variables)],
    verify: noErrors,
    // The baseline (the same GETs without GraphQL) is not part of this phase.
    baseline: (upstream) => async () => {
      await Promise.all([...new Set(ids)].map((projectId) => upstream.get(`/groups/${projectId}/invites`)));
    },
  };
}

export function peerSingle(): PeerScenario {
  const projectId = generatedProjectId(0);
  const ids = [projectId];
  return {
    id: 'single',
    title: 'single project',
    projects: 1,
    lists: 1,
    ours: scenario(
      'single',
      'single project',
      ids,
      `query Single($id: ObjectID!) { project(id: $id) { id invitations { ${PEER_INVITATION_FIELDS} } } }`,
      { id: projectId },
    ),
    peer: scenario(
      'single',
      'single project',
      ids,
      `query Single($id: groupId_parameter!) { listProjectInvitations(GROUP_ID: $id) { ... on Invitation { ${PEER_INVITATION_FIELDS} } } }`,
      { id: projectId },
    ),
  };
}

export function peerAliases(count = 30, projects = 10): PeerScenario {
  const ids = Array.from({ length: count }, (_, alias) => generatedProjectId(alias % projects));
  const fields = (field: (projectId: string) => string) =>
    ids.map((projectId, alias) => `a${alias}: ${field(projectId)}`).join('\n  ');
  const id = `alias${count}`;
  const title = `${count} aliases over ${projects} projects`;
  return {
    id,
    title,
    projects,
    lists: count,
    ours: scenario(
      id,
      title,
      ids,
      `query Aliases {\n  ${fields((projectId) => `project(id: "${projectId}") { id invitations { ${PEER_INVITATION_FIELDS} } }`)}\n}`,
    ),
    peer: scenario(
      id,
      title,
      ids,
      `query Aliases {\n  ${fields((projectId) => `listProjectInvitations(GROUP_ID: "${projectId}") { ... on Invitation { ${PEER_INVITATION_FIELDS} } }`)}\n}`,
    ),
  };
}

/**
 * One answer checked in full before a side is loaded: 200, no `errors`, and `lists` lists of
 * `perList` invitations each, carrying every selected field (a wrong seed, schema or query fails
 * here, not silently under load).
 */
export async function checkAnswer(
  side: Scenario,
  url: string,
  headers: Record<string, string>,
  lists: number,
  perList: number,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: side.bodies[0],
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const fail = (why: string) => new Error(`${side.id} on ${url}: ${why}: ${response.status} ${text.slice(0, 400)}`);
  if (!response.ok || !side.verify(text)) throw fail('unexpected answer');
  const data = (JSON.parse(text) as { data: Record<string, unknown> }).data;
  const found = Object.values(data).map((value) =>
    Array.isArray(value) ? value : ((value as { invitations?: unknown[] } | null)?.invitations ?? []),
  ) as Record<string, unknown>[][];
  if (found.length !== lists) throw fail(`expected ${lists} lists`);
  for (const list of found) {
    if (list.length !== perList) throw fail(`expected ${perList} invitations per list, got ${list.length}`);
    for (const field of PEER_INVITATION_FIELDS.split(' ')) {
      if (list.some((invitation) => invitation[field] === undefined || invitation[field] === null))
        throw fail(`missing ${field}`);
    }
  }
}
