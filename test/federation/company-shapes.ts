/**
 * Company subgraphs in the shapes companies write them, NOT shaped after ours: `Project`
 * keyed by `id: ID!`, their own root fields (`projects`, `project(id:)`, `organizations`),
 * their own descriptions and a `DateTime` scalar of their own. Nothing here knows about
 * invitations, ObjectID or our subgraph; each shape is what a projects team would have
 * before anyone thought of adding Ops Manager invitations to it.
 */

/** One subgraph of a company graph: its name in the supergraph and its SDL. */
export interface CompanySubgraphDefinition {
  name: string;
  sdl: string;
}

export interface CompanyShape {
  /** What the shape is, for test names and the README table. */
  label: string;
  subgraphs: CompanySubgraphDefinition[];
}

/** (a) A projects service: Project { id: ID! name } plus its own `projects` and `project(id:)`. */
export const PROJECTS_SHAPE: CompanyShape = {
  label: '(a) Project @key(id: ID!) with its own Query.projects / Query.project(id:)',
  subgraphs: [
    {
      name: 'projects',
      sdl: /* GraphQL */ `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

"An ISO-8601 timestamp."
scalar DateTime

"A project in the company catalog."
type Project @key(fields: "id") {
  id: ID!
  "Display name."
  name: String!
  createdAt: DateTime!
}

type Query {
  "Every project of the catalog."
  projects: [Project!]!
  "One project by id, or null."
  project(id: ID!): Project
}
`,
    },
  ],
};

/** (b) An organizations service: Organization is an entity with `projects: [Project!]!`. */
export const ORGANIZATIONS_SHAPE: CompanyShape = {
  label: '(b) Organization entity with projects: [Project!]!',
  subgraphs: [
    {
      name: 'organizations',
      sdl: /* GraphQL */ `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

type Organization @key(fields: "id") {
  id: ID!
  name: String!
  projects: [Project!]!
}

type Project @key(fields: "id") {
  id: ID!
  name: String!
  organization: Organization!
}

type Query {
  organizations: [Organization!]!
  organization(id: ID!): Organization
}
`,
    },
  ],
};

/**
 * (c) Two company subgraphs that both resolve `Project.name`, as `@shareable` does: a catalog
 * (field-level `@shareable`, and a shareable `Query.projects` that a search service also
 * answers) and billing (type-level `@shareable`).
 */
export const SHAREABLE_SHAPE: CompanyShape = {
  label: '(c) @shareable Project fields in two company subgraphs',
  subgraphs: [
    {
      name: 'catalog',
      sdl: /* GraphQL */ `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

type Project @key(fields: "id") {
  id: ID!
  name: String! @shareable
  slug: String! @shareable
}

type Query {
  projects(first: Int = 20): [Project!]! @shareable
}
`,
    },
    {
      name: 'billing',
      sdl: /* GraphQL */ `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

type Project @key(fields: "id") @shareable {
  id: ID!
  name: String!
  slug: String!
  plan: String!
}

type Query {
  projects(first: Int = 20): [Project!]! @shareable
}
`,
    },
  ],
};

export const COMPANY_SHAPES: readonly CompanyShape[] = [PROJECTS_SHAPE, ORGANIZATIONS_SHAPE, SHAREABLE_SHAPE];

/**
 * A company keyed by `String!`, the case FEDERATION_PROJECT_ID_TYPE=String is for. Composes
 * with `subgraphSchemaFor('String')`, and not with the default (ID) subgraph.
 */
export const STRING_KEYED_SHAPE: CompanyShape = {
  label: 'Project @key(id: String!)',
  subgraphs: [
    {
      name: 'projects',
      sdl: /* GraphQL */ `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Project @key(fields: "id") {
  id: String!
  name: String!
}

type Query {
  projects: [Project!]!
}
`,
    },
  ],
};
