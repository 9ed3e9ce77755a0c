/**
 * What the benchmark asks: each scenario is a GraphQL operation for the gateway and the same
 * logical work done directly against the simulator with the project's Digest client (the
 * "no GraphQL" baseline: the upstream calls of one operation, in parallel, bodies parsed once).
 */
import { generatedInvitationId, generatedProjectId } from '../../src/simulator/demo-data.ts';

export interface Scenario {
  id: string;
  title: string;
  /** Distinct projects one operation reads: the upstream calls it should cost. */
  projects: number;
  /** GraphQL request bodies (JSON); each load connection sends them in turn. */
  bodies: string[];
  /** Whether a 200 body is a success (not a GraphQL error, not an error member of a result union). */
  verify(body: string): boolean;
  /** One logical operation without the gateway; throws when an upstream call fails. */
  baseline(upstream: BaselineUpstream): () => Promise<void>;
}

/** The baseline's upstream calls: Digest-signed, JSON parsed once, under an in-flight cap; throw unless 2xx. */
export interface BaselineUpstream {
  /** GET of a path under /api/public/v1.0. */
  get(path: string): Promise<unknown>;
  patch(path: string, body: unknown): Promise<unknown>;
}

const INVITATION_FIELDS = 'id username roles createdAt expiresAt expired';

const body = (query: string, variables?: Record<string, unknown>): string => JSON.stringify({ query, variables });
const noErrors = (text: string): boolean => !text.startsWith('{"errors"');
const projectIds = (count: number): string[] => Array.from({ length: count }, (_, index) => generatedProjectId(index));

const listAll = (ids: readonly string[]) => (upstream: BaselineUpstream) => async () => {
  await Promise.all(ids.map((id) => upstream.get(`/groups/${id}/invites`)));
};

/** `project(id:)` with every invitation field; reads one project. */
export function singleProject(projectIndex = 0, id = 'single', title = 'single project query'): Scenario {
  const projectId = generatedProjectId(projectIndex);
  return {
    id,
    title,
    projects: 1,
    bodies: [
      body(`query Single($id: ObjectID!) { project(id: $id) { id invitations { ${INVITATION_FIELDS} } } }`, {
        id: projectId,
      }),
    ],
    verify: noErrors,
    baseline: listAll([projectId]),
  };
}

/** 30 aliases of `project(id:)` over 10 projects: the loader makes it 10 upstream calls. */
export function aliases(): Scenario {
  const ids = projectIds(10);
  const fields =
    ids.length === 0
      ? ''
      : Array.from(
          { length: 30 },
          (_, alias) =>
            `a${alias}: project(id: "${ids[alias % ids.length]}") { id invitations { ${INVITATION_FIELDS} } }`,
        ).join('\n  ');
  return {
    id: 'alias30',
    title: '30 aliases over 10 projects',
    projects: ids.length,
    bodies: [body(`query Aliases {\n  ${fields}\n}`)],
    verify: noErrors,
    baseline: listAll(ids),
  };
}

/** `projects(ids:)` for `count` projects (the schema allows 100). */
export function manyProjects(count: number, id = `projects${count}`): Scenario {
  const ids = projectIds(count);
  return {
    id,
    title: `projects(ids) for ${count} project${count === 1 ? '' : 's'}`,
    projects: count,
    bodies: [
      body(`query Many($ids: [ObjectID!]!) { projects(ids: $ids) { id invitations { ${INVITATION_FIELDS} } } }`, {
        ids,
      }),
    ],
    verify: noErrors,
    baseline: listAll(ids),
  };
}

const ROLE_SETS = [['GROUP_READ_ONLY'], ['GROUP_DATA_ACCESS_READ_WRITE', 'GROUP_BACKUP_ADMIN']] as const;
const MUTATED_INVITATIONS = 10;

/** updateInvitationRoles by id over 10 seeded invitations of project 0, alternating two role sets. */
export function updateRoles(): Scenario {
  const projectId = generatedProjectId(0);
  const targets = Array.from({ length: MUTATED_INVITATIONS * ROLE_SETS.length }, (_, index) => ({
    invitationId: generatedInvitationId(0, index % MUTATED_INVITATIONS),
    roles: ROLE_SETS[Math.floor(index / MUTATED_INVITATIONS) % ROLE_SETS.length] ?? ROLE_SETS[0],
  }));
  const mutation = `mutation Update($projectId: ObjectID!, $id: ObjectID!, $roles: [ProjectRole!]!) {
  updateInvitationRoles(projectId: $projectId, invitation: { id: $id }, roles: $roles) {
    __typename
    ... on InvitationRolesUpdated { invitation { id roles } }
    ... on Error { code message }
  }
}`;
  return {
    id: 'mutation',
    title: 'updateInvitationRoles (alternating roles)',
    projects: 1,
    bodies: targets.map((target) => body(mutation, { projectId, id: target.invitationId, roles: target.roles })),
    verify: (text) => text.includes('"InvitationRolesUpdated"'),
    baseline: (upstream) => {
      let next = 0;
      return async () => {
        const target = targets[next % targets.length] ?? targets[0]!;
        next += 1;
        await upstream.patch(`/groups/${projectId}/invites/${target.invitationId}`, { roles: target.roles });
      };
    },
  };
}

/** Checks one answer of the gateway in full before a scenario is loaded (a wrong seed fails here, not silently under load). */
export async function preflight(
  scenario: Scenario,
  gatewayUrl: string,
  invitationsPerProject: number,
  headers: Record<string, string>,
): Promise<void> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: scenario.bodies[0],
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok || !scenario.verify(text))
    throw new Error(`${scenario.id}: unexpected answer ${response.status} ${text.slice(0, 500)}`);
  const data = (JSON.parse(text) as { data: Record<string, unknown> }).data;
  const lists = Object.values(data).flatMap((value) => (Array.isArray(value) ? value : [value])) as {
    invitations?: unknown[];
  }[];
  for (const project of lists) {
    if (project.invitations !== undefined && project.invitations.length !== invitationsPerProject) {
      throw new Error(
        `${scenario.id}: expected ${invitationsPerProject} invitations per project, got ${project.invitations.length}`,
      );
    }
  }
}
