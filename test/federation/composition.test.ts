import { readFileSync } from 'node:fs';
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphSchemaFor } from '../../src/schema/index.ts';
import {
  COMPANY_SHAPES,
  type CompanyShape,
  ORGANIZATIONS_SHAPE,
  PROJECTS_SHAPE,
  SHAREABLE_SHAPE,
  STRING_KEYED_SHAPE,
} from './company-shapes.ts';
import { COMPOSERS } from './composers.ts';
import { composeSupergraph, supergraphInputs, SUPERGRAPH_FILE } from './supergraph.ts';

/** The released subgraph.graphql (before Project was keyed by ID and lost its root fields). */
const RELEASED_SUBGRAPH = readFileSync(new URL('../../contracts/released/subgraph.graphql', import.meta.url), 'utf8');

/** The fields of a type of an API schema, printed `name: Type`. */
function fieldsOf(apiSdl: string, typeName: string): string[] {
  const type = buildSchema(apiSdl).getType(typeName) as GraphQLObjectType;
  return Object.values(type.getFields()).map((field) => `${field.name}: ${field.type}`);
}

/** The root Query fields a company shape declares itself. */
function companyQueryFields(shape: CompanyShape): string[] {
  return [
    ...new Set(
      shape.subgraphs.flatMap(({ sdl }) =>
        Object.keys(buildSchema(sdl, { assumeValidSDL: true }).getQueryType()?.getFields() ?? {}),
      ),
    ),
  ];
}

/**
 * Apollo's hints per shape, as measured: none. (Before the namespace, shape (a)'s own `DateTime`
 * and ours merged into one, with an INCONSISTENT_DESCRIPTION hint; now ours is OpsManagerDateTime.)
 */
const EXPECTED_APOLLO_HINTS: Record<string, string[]> = {
  [PROJECTS_SHAPE.label]: [],
  [ORGANIZATIONS_SHAPE.label]: [],
  [SHAREABLE_SHAPE.label]: [],
};

describe.each(COMPANY_SHAPES.map((shape) => [shape.label, shape] as const))(
  'with company shape %s',
  (_label, shape) => {
    describe.each(Object.entries(COMPOSERS))('under %s composition', (composerName, compose) => {
      const result = compose(supergraphInputs(shape));

      it('composes with zero errors', () => {
        expect(result.errors).toEqual([]);
      });

      it('gives Project their name and our invitations, keyed by ID!', () => {
        const project = fieldsOf(result.apiSdl!, 'Project');
        expect(project).toEqual(
          expect.arrayContaining([
            'id: ID!',
            'name: String!',
            'invitations: [OpsManagerInvitation!]',
            'invitation: OpsManagerInvitation',
          ]),
        );
        expect(result.apiSdl).not.toMatch(/_entities|_service|_Any/);
      });

      it('leaves every root query field to the company, and the mutations to us', () => {
        expect(
          fieldsOf(result.apiSdl!, 'Query')
            .map((field) => field.split(':')[0])
            .sort(),
        ).toEqual(companyQueryFields(shape).sort());
        expect(
          fieldsOf(result.apiSdl!, 'Mutation')
            .map((field) => field.split(':')[0])
            .sort(),
        ).toEqual(['opsManagerCreateInvitation', 'opsManagerDeleteInvitation', 'opsManagerUpdateInvitationRoles']);
      });

      it('joins Project on id in our subgraph and theirs', () => {
        expect(result.supergraphSdl).toMatch(/type Project[^{]*@join__type\(graph: INVITATIONS, key: "id"\)/);
        for (const { name } of shape.subgraphs) {
          expect(result.supergraphSdl).toMatch(
            new RegExp(`type Project[^{]*@join__type\\(graph: ${name.toUpperCase()}, key: "id"\\)`),
          );
        }
        expect(result.supergraphSdl).toMatch(
          /invitations\([^)]*\): \[OpsManagerInvitation!\] @join__field\(graph: INVITATIONS\)/,
        );
      });

      if (composerName === 'apollo') {
        it('hints only what was measured', () => {
          expect(result.hints.map((hint) => hint.split(' has ')[0])).toEqual(EXPECTED_APOLLO_HINTS[shape.label]);
        });
      }

      it('did not compose with the released subgraph (ObjectID key, its own project/projects)', () => {
        const released = compose(supergraphInputs(shape, {}, RELEASED_SUBGRAPH));
        expect(released.errors).toContainEqual(
          expect.stringMatching(/Type of field "Project\.id" is incompatible across subgraphs/),
        );
      });
    });
  },
);

describe('a company keyed by String! (FEDERATION_PROJECT_ID_TYPE=String)', () => {
  const keyedByString = printSubgraphSchema(subgraphSchemaFor('String'));

  it.each(Object.entries(COMPOSERS))(
    'composes with the String-keyed subgraph under %s composition',
    (_name, compose) => {
      const result = compose(supergraphInputs(STRING_KEYED_SHAPE, {}, keyedByString));
      expect(result.errors).toEqual([]);
      expect(fieldsOf(result.apiSdl!, 'Project')).toEqual(
        expect.arrayContaining(['id: String!', 'name: String!', 'invitations: [OpsManagerInvitation!]']),
      );
    },
  );

  it.each(Object.entries(COMPOSERS))(
    'does not compose with the default (ID) subgraph under %s composition',
    (_name, compose) => {
      const result = compose(supergraphInputs(STRING_KEYED_SHAPE));
      expect(result.errors).toEqual([
        expect.stringMatching(/Type of field "Project\.id" is incompatible across subgraphs/),
      ]);
    },
  );
});

describe('the pinned supergraph', () => {
  it('is our subgraph with shape (a) (after a schema change: npm run schema && npm run supergraph)', () => {
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(composeSupergraph());
  });

  it('takes name from the company and invitations from us; OpsManagerInvitation is no entity', () => {
    const supergraph = composeSupergraph();
    expect(supergraph).toMatch(/name: String! @join__field\(graph: PROJECTS\)/);
    expect(supergraph).toContain('type OpsManagerInvitation @join__type(graph: INVITATIONS) {');
  });
});
