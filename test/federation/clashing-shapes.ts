import { type CompanyShape, PROJECTS_SHAPE } from './company-shapes.ts';

/**
 * Company graphs that already use the names a subgraph about invitations would take, each with
 * its own meaning, written the way companies write them and not after ours: errors as data with
 * their own `Error` interface, organization invitations, their own invitation mutations, their
 * own `ProjectRole`, scalars and error codes, and the shapes without a clash (their `Role`/`Member`,
 * a second team adding to `Project`). Each keys `Project` by `id: ID!` and owns a field of it.
 *
 * `whenOff` is what measured composition says of the shape with our plain names
 * (FEDERATION_NAMESPACE=): an error both composers report, or `composes`. With a namespace, each
 * composes.
 */
export interface ClashingShape extends CompanyShape {
  whenOff: RegExp | 'composes';
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])';

/** (d) Errors as data: their own `interface Error { message: String! }`, without our `code`. */
export const ERRORS_AS_DATA_SHAPE: ClashingShape = {
  label: '(d) their own errors-as-data interface Error { message: String! }',
  whenOff: /Non-shareable field "NotFoundError\.message" is resolved from multiple subgraphs/,
  subgraphs: [
    {
      name: 'projects',
      sdl: /* GraphQL */ `
${LINK}

interface Error {
  message: String!
}

type NotFoundError implements Error {
  message: String!
  id: ID!
}

type ValidationError implements Error {
  message: String!
  field: String!
}

type Project @key(fields: "id") {
  id: ID!
  name: String!
}

type ProjectRenamed {
  project: Project!
}

union RenameProjectResult = ProjectRenamed | NotFoundError | ValidationError

type Query {
  projects: [Project!]!
  project(id: ID!): Project
}

type Mutation {
  renameProject(id: ID!, name: String!): RenameProjectResult!
}
`,
    },
  ],
};

/** (e) Organization invitations: their own `Invitation` entity, with its own id and fields. */
export const ORG_INVITATIONS_SHAPE: ClashingShape = {
  label: '(e) their own Invitation type (organization invitations)',
  whenOff: /Type of field "Invitation\.id" is incompatible across subgraphs/,
  subgraphs: [
    {
      name: 'organizations',
      sdl: /* GraphQL */ `
${LINK}

enum InvitationStatus {
  PENDING
  ACCEPTED
  REVOKED
}

type Invitation @key(fields: "id") {
  id: ID!
  email: String!
  status: InvitationStatus!
  organization: Organization!
}

type Organization @key(fields: "id") {
  id: ID!
  name: String!
  invitations: [Invitation!]!
  projects: [Project!]!
}

type Project @key(fields: "id") {
  id: ID!
  name: String!
  organization: Organization!
}

type Query {
  organization(id: ID!): Organization
  invitation(id: ID!): Invitation
}
`,
    },
  ],
};

/**
 * (f) Their own invitation mutations, `createInvitation(orgId, email)` and `deleteInvitation(id)`,
 * with the names of ours and other arguments and results (plus their own `Invitation`).
 */
export const INVITATION_MUTATIONS_SHAPE: ClashingShape = {
  label: '(f) their own Mutation.createInvitation(orgId, email) / deleteInvitation(id)',
  whenOff: /Argument "Mutation\.createInvitation\(orgId:\)" is required in some subgraphs/,
  subgraphs: [
    {
      name: 'accounts',
      sdl: /* GraphQL */ `
${LINK}

type Invitation {
  id: ID!
  email: String!
  orgId: ID!
}

type Project @key(fields: "id") {
  id: ID!
  name: String!
}

type Query {
  projects: [Project!]!
  project(id: ID!): Project
  pendingInvitations(orgId: ID!): [Invitation!]!
}

type Mutation {
  createInvitation(orgId: ID!, email: String!): Invitation!
  deleteInvitation(id: ID!): Boolean!
}
`,
    },
  ],
};

/** (g) Their own `enum ProjectRole { OWNER MEMBER VIEWER }`, in an input and an output. */
export const PROJECT_ROLE_SHAPE: ClashingShape = {
  label: '(g) their own enum ProjectRole { OWNER MEMBER VIEWER } in input and output',
  whenOff: /Enum type "ProjectRole" is used as both input type .* but value "OWNER" is not defined/,
  subgraphs: [
    {
      name: 'memberships',
      sdl: /* GraphQL */ `
${LINK}

enum ProjectRole {
  OWNER
  MEMBER
  VIEWER
}

type ProjectMembership {
  userId: ID!
  role: ProjectRole!
}

type Project @key(fields: "id") {
  id: ID!
  memberships(role: ProjectRole): [ProjectMembership!]!
}

type Mutation {
  setProjectRole(projectId: ID!, userId: ID!, role: ProjectRole!): ProjectMembership!
}

type Query {
  myProjects(role: ProjectRole): [Project!]!
}
`,
    },
  ],
};

/**
 * (h) Their own scalars of our names with other meanings: `DateTime` as epoch milliseconds,
 * `EmailAddress` taken as input, `ObjectID` for their own Mongo documents. Without a namespace
 * this composes, silently: the supergraph has one `DateTime` with two meanings.
 */
export const SCALARS_SHAPE: ClashingShape = {
  label: '(h) their own scalars DateTime (epoch ms), EmailAddress, ObjectID',
  whenOff: 'composes',
  subgraphs: [
    {
      name: 'catalog',
      sdl: /* GraphQL */ `
${LINK}

"Milliseconds since the epoch, as a number."
scalar DateTime

"An RFC 5322 address, lower-cased."
scalar EmailAddress

"The id of a document in the catalog's database."
scalar ObjectID

type Project @key(fields: "id") {
  id: ID!
  name: String!
  catalogId: ObjectID!
  updatedAt: DateTime!
  ownerEmail: EmailAddress
}

type Query {
  projects(updatedSince: DateTime, owner: EmailAddress): [Project!]!
}
`,
    },
  ],
};

/** (i) Their own `ErrorCode` enum, other values, used as an argument and in results. */
export const ERROR_CODE_SHAPE: ClashingShape = {
  label: '(i) their own enum ErrorCode (other values) in input and output',
  whenOff: /Enum type "ErrorCode" is used as both input type .* but value "PERMISSION_DENIED" is not defined/,
  subgraphs: [
    {
      name: 'audit',
      sdl: /* GraphQL */ `
${LINK}

enum ErrorCode {
  NOT_FOUND
  PERMISSION_DENIED
  INTERNAL
}

type AuditEvent {
  id: ID!
  code: ErrorCode
  at: String!
}

type Project @key(fields: "id") {
  id: ID!
  failures(code: ErrorCode): [AuditEvent!]!
}

type Query {
  auditEvents(code: ErrorCode): [AuditEvent!]!
}
`,
    },
  ],
};

/** (j) Their own `Role` and `Member` types: names near ours but not ours. */
export const MEMBERS_SHAPE: ClashingShape = {
  label: '(j) their own Role enum and Member entity on Project',
  whenOff: 'composes',
  subgraphs: [
    {
      name: 'people',
      sdl: /* GraphQL */ `
${LINK}

enum Role {
  ADMIN
  DEVELOPER
  GUEST
}

type Member @key(fields: "id") {
  id: ID!
  email: String!
  role: Role!
}

type Project @key(fields: "id") {
  id: ID!
  name: String! @shareable
  members(role: Role): [Member!]!
}

type Query {
  member(id: ID!): Member
  projects: [Project!]! @shareable
}
`,
    },
  ],
};

/** (k) A second team extending `Project` (deployments) beside the projects service of shape (a). */
export const SECOND_TEAM_SHAPE: ClashingShape = {
  label: '(k) a second team extending Project beside the projects service',
  whenOff: 'composes',
  subgraphs: [
    ...PROJECTS_SHAPE.subgraphs,
    {
      name: 'deployments',
      sdl: /* GraphQL */ `
${LINK}

enum DeploymentState {
  RUNNING
  FAILED
}

type Deployment {
  id: ID!
  state: DeploymentState!
}

type Project @key(fields: "id") {
  id: ID!
  deployments: [Deployment!]!
}
`,
    },
  ],
};

/**
 * (l) Everything at once, as a company with many teams has it: a projects service with errors
 * as data, an accounts service with its own invitations and invitation mutations, and the
 * memberships (ProjectRole) and audit (ErrorCode) services of (g) and (i). The router tests run it.
 */
export const MANY_TEAMS_SHAPE: ClashingShape = {
  label: '(l) many teams at once: (d) (f) (g) (i) in four subgraphs',
  whenOff: /Argument "Mutation\.createInvitation\(orgId:\)" is required in some subgraphs/,
  subgraphs: [
    {
      name: 'teamprojects',
      sdl: /* GraphQL */ `
${LINK}

interface Error {
  message: String!
}

type NotFoundError implements Error {
  message: String!
  id: ID!
}

type Project @key(fields: "id") {
  id: ID!
  name: String!
}

type ProjectRenamed {
  project: Project!
}

union RenameProjectResult = ProjectRenamed | NotFoundError

type Query {
  projects: [Project!]!
  project(id: ID!): Project
}

type Mutation {
  renameProject(id: ID!, name: String!): RenameProjectResult!
}
`,
    },
    {
      name: 'teamaccounts',
      sdl: /* GraphQL */ `
${LINK}

type Invitation {
  id: ID!
  email: String!
  orgId: ID!
}

type Query {
  pendingInvitations(orgId: ID!): [Invitation!]!
}

type Mutation {
  createInvitation(orgId: ID!, email: String!): Invitation!
  deleteInvitation(id: ID!): Boolean!
}
`,
    },
    PROJECT_ROLE_SHAPE.subgraphs[0]!,
    ERROR_CODE_SHAPE.subgraphs[0]!,
  ],
};

export const CLASHING_SHAPES: readonly ClashingShape[] = [
  ERRORS_AS_DATA_SHAPE,
  ORG_INVITATIONS_SHAPE,
  INVITATION_MUTATIONS_SHAPE,
  PROJECT_ROLE_SHAPE,
  SCALARS_SHAPE,
  ERROR_CODE_SHAPE,
  MEMBERS_SHAPE,
  SECOND_TEAM_SHAPE,
  MANY_TEAMS_SHAPE,
];

/**
 * (m) A company whose `Project` already has an `invitations` field of its own: the one name the
 * namespace leaves as it is. No namespace setting makes it compose (README: what to do).
 */
export const OWN_PROJECT_INVITATIONS_SHAPE: CompanyShape = {
  label: '(m) their Project already has its own invitations field',
  subgraphs: [
    {
      name: 'projects',
      sdl: /* GraphQL */ `
${LINK}

type ProjectInvitation {
  email: String!
}

type Project @key(fields: "id") {
  id: ID!
  name: String!
  invitations: [ProjectInvitation!]!
}

type Query {
  projects: [Project!]!
}
`,
    },
  ],
};
