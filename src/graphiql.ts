/**
 * What GraphiQL opens with. The first tab is a hand-written query that runs as-is against the
 * embedded simulator's demo projects; the other tabs are the typed operations of operations/
 * (printed from the generated documents, so they never drift from what codegen checks), each
 * with variables that run against the demo data. Against a real Ops Manager the ids are
 * placeholders to replace.
 */
import { print, type DocumentNode } from 'graphql';
import type { GraphiQLOptions } from 'graphql-yoga';
import {
  CreateInvitationDocument,
  DeleteInvitationDocument,
  ProjectInvitationDocument,
  UpdateInvitationRolesDocument,
} from 'ops-manager-invitations-client/documents';

/** One GraphiQL tab, as graphql-yoga's `graphiql.defaultTabs` takes it. */
export type GraphiQLTab = NonNullable<GraphiQLOptions['defaultTabs']>[number];

/** The demo data the tabs' variables point at (the simulator's `DEMO_PROJECT_IDS` and `DEMO_INVITATIONS`). */
export interface GraphiQLDemoData {
  projectIds: readonly string[];
  invitations: readonly { readonly id: string; readonly groupId: string; readonly username: string }[];
}

const PROJECT_PLACEHOLDER = '<24-hex project id>';
const INVITATION_PLACEHOLDER = '<24-hex invitation id>';

/**
 * The operation GraphiQL opens with (also what a new tab starts with): it runs as-is against the
 * embedded simulator's demo projects and names the other entry points, so the API teaches itself.
 */
export function exampleOperation(demoProjectIds: readonly string[] = []): string {
  const [first = PROJECT_PLACEHOLDER, second = first] = demoProjectIds;
  // Short comment lines: GraphiQL's editor is about 60 characters wide on a laptop screen.
  return `# Pending invitations of two projects, one Ops Manager
# call per project however many fields ask for it.
# Run it with the run button or Ctrl+Enter.
# The other tabs hold the operations of operations/:
# one invitation by id, and the three mutations, whose
# expected failures are typed members of their result.
query ProjectInvitations {
  project(id: "${first}") {
    id
    invitations {
      id
      username
      roles
      expiresAt
      expired
    }
  }
  projects(ids: ["${first}", "${second}"]) {
    id
    invitations {
      username
      roles
    }
  }
}
`;
}

/**
 * GraphiQL's opening tabs: the example operation first, then one tab per typed operation with
 * variables over the demo data (the first demo project's first and last invitations). Without
 * demo data (a real Ops Manager) the variables hold placeholders.
 */
export function exampleTabs(demo?: GraphiQLDemoData): GraphiQLTab[] {
  const projectId = demo?.projectIds[0] ?? PROJECT_PLACEHOLDER;
  const ofProject = demo?.invitations.filter((invitation) => invitation.groupId === projectId) ?? [];
  const first = ofProject[0];
  const last = ofProject.at(-1);
  return [
    { query: exampleOperation(demo?.projectIds) },
    tab('One invitation by id (null if the project has none).', ProjectInvitationDocument, {
      projectId,
      invitationId: first?.id ?? INVITATION_PLACEHOLDER,
    }),
    tab('Replace all roles of an invitation, by username or id.', UpdateInvitationRolesDocument, {
      projectId,
      invitation: { username: first?.username ?? 'someone@example.com' },
      roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'],
    }),
    tab('Invite someone; a second run gives AlreadyExistsError.', CreateInvitationDocument, {
      projectId,
      username: 'new.person@example.com',
      roles: ['GROUP_READ_ONLY'],
    }),
    tab('Delete an invitation; a second run gives NotFoundError.', DeleteInvitationDocument, {
      projectId,
      invitationId: last?.id ?? INVITATION_PLACEHOLDER,
    }),
  ];
}

function tab(comment: string, document: DocumentNode, variables: Record<string, unknown>): GraphiQLTab {
  return { query: `# ${comment}\n${print(document)}\n`, variables: JSON.stringify(variables, null, 2) };
}
