import { printSubgraphSchema } from '@apollo/subgraph';
import { buildSchema, type GraphQLObjectType, isIntrospectionType, isSpecifiedScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema as plainSchema, subgraphSchemaFor } from '../../src/schema/index.ts';
import { namespacedFieldName } from '../../src/schema/namespace.ts';
import {
  CLASHING_SHAPES,
  type ClashingShape,
  OWN_PROJECT_INVITATIONS_SHAPE,
  SCALARS_SHAPE,
} from './clashing-shapes.ts';
import { COMPANY_SHAPES } from './company-shapes.ts';
import { COMPOSERS } from './composers.ts';
import { supergraphInputs } from './supergraph.ts';

/** Our subgraph's SDL as `_service { sdl }` answers it under a namespace ('' for off). */
const sdlUnder = (namespace: string) => printSubgraphSchema(subgraphSchemaFor('ID', namespace));

/** The names of the plain API's own types (not Project, not the root types): what a namespace prefixes. */
const OUR_TYPES = Object.values(plainSchema.getTypeMap())
  .filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type))
  .map((type) => type.name)
  .filter((name) => !['Query', 'Mutation', 'Project'].includes(name));
const OUR_MUTATIONS = ['createInvitation', 'deleteInvitation', 'updateInvitationRoles'];

/** A shape's own field names of a type, across its subgraphs. */
function companyFields(shape: ClashingShape, typeName: string): string[] {
  const fields = shape.subgraphs.flatMap(({ sdl }) => {
    const type = buildSchema(sdl, { assumeValidSDL: true }).getType(typeName) as GraphQLObjectType | undefined;
    return Object.keys(type?.getFields() ?? {});
  });
  return [...new Set(fields)];
}

function apiType(apiSdl: string, name: string): GraphQLObjectType {
  return buildSchema(apiSdl).getType(name) as GraphQLObjectType;
}

describe('the namespace convention', () => {
  it.each([
    ['OpsManager', 'opsManagerCreateInvitation'],
    ['Acme', 'acmeCreateInvitation'],
    ['ACME', 'acmeCreateInvitation'],
    ['ACMECorp', 'acmeCorpCreateInvitation'],
    ['Team42', 'team42CreateInvitation'],
  ])('%s names the mutation %s', (namespace, expected) => {
    expect(namespacedFieldName(namespace, 'createInvitation')).toBe(expected);
  });
});

/** Shapes (a) to (c), which use none of our names, and the clashing ones (d) to (l). */
const ALL_SHAPES: readonly ClashingShape[] = [
  ...COMPANY_SHAPES.map((shape) => ({ ...shape, whenOff: 'composes' as const })),
  ...CLASHING_SHAPES,
];

describe.each([
  ['the default namespace', 'OpsManager', 'opsManager'],
  ['another namespace', 'Acme', 'acme'],
])('%s (%s)', (_label, namespace, fieldPrefix) => {
  const ours = sdlUnder(namespace);

  describe.each(ALL_SHAPES.map((shape) => [shape.label, shape] as const))('with %s', (_shape, shape) => {
    describe.each(Object.entries(COMPOSERS))('under %s composition', (_composer, compose) => {
      const result = compose(supergraphInputs(shape, {}, ours));

      it('composes with zero errors and no hint', () => {
        expect(result.errors).toEqual([]);
        expect(result.hints).toEqual([]);
      });

      it('Project carries their fields and ours', () => {
        const project = apiType(result.apiSdl!, 'Project').getFields();
        expect(Object.keys(project).sort()).toEqual(
          [...new Set([...companyFields(shape, 'Project'), 'invitations', 'invitation'])].sort(),
        );
        expect(String(project.invitations!.type)).toBe(`[${namespace}Invitation!]`);
        expect(String(project.invitation!.args[0]!.type)).toBe(`${namespace}ObjectID!`);
      });

      it('our mutations under the namespace beside theirs, and every type of ours namespaced', () => {
        const mutations = Object.keys(apiType(result.apiSdl!, 'Mutation').getFields()).sort();
        expect(mutations).toEqual(
          [
            ...companyFields(shape, 'Mutation'),
            ...OUR_MUTATIONS.map((name) => namespacedFieldName(namespace, name)),
          ].sort(),
        );
        expect(mutations.filter((name) => name.startsWith(fieldPrefix))).toHaveLength(3);
        const api = buildSchema(result.apiSdl!);
        for (const name of OUR_TYPES) expect(api.getType(`${namespace}${name}`), `${namespace}${name}`).toBeDefined();
        // Their types are theirs alone: e.g. their Error has their fields, not our code.
        for (const name of OUR_TYPES.filter((type) => api.getType(type))) {
          expect(result.supergraphSdl).not.toMatch(
            new RegExp(`(type|interface|enum|union|input|scalar) ${name}\\b[^{\\n]*@join__type\\(graph: INVITATIONS`),
          );
        }
      });
    });
  });
});

describe('the namespace off (FEDERATION_NAMESPACE=)', () => {
  const plain = sdlUnder('');

  it('prints the plain names: the subgraph as it was before the namespace', () => {
    expect(plain).toMatch(/^type Invitation \{/m);
    expect(plain).toMatch(/^\s+createInvitation\(/m);
    expect(plain).not.toMatch(/OpsManager/);
  });

  describe.each(ALL_SHAPES.map((shape) => [shape.label, shape] as const))('with %s', (_shape, shape) => {
    it.each(Object.entries(COMPOSERS))(
      shape.whenOff === 'composes' ? 'composes under %s composition' : 'fails under %s composition, on a name of ours',
      (_composer, compose) => {
        const result = compose(supergraphInputs(shape, {}, plain));
        if (shape.whenOff === 'composes') {
          expect(result.errors).toEqual([]);
          expect(Object.keys(apiType(result.apiSdl!, 'Project').getFields())).toContain('invitations');
        } else {
          expect(result.errors).toContainEqual(expect.stringMatching(shape.whenOff));
        }
      },
    );
  });

  it('composes their scalars with ours into one, silently: one DateTime of two meanings (the namespace keeps two)', () => {
    const off = COMPOSERS.apollo(supergraphInputs(SCALARS_SHAPE, {}, plain));
    expect(off.hints).toEqual([
      expect.stringMatching(/^INCONSISTENT_DESCRIPTION: Element "DateTime"/),
      expect.stringMatching(/^INCONSISTENT_DESCRIPTION: Element "EmailAddress"/),
      expect.stringMatching(/^INCONSISTENT_DESCRIPTION: Element "ObjectID"/),
    ]);
    // Our Invitation.createdAt and their Project.updatedAt (epoch ms) are one scalar to clients.
    expect(off.supergraphSdl).toMatch(/^\s+createdAt: DateTime!$/m);
    expect(off.supergraphSdl).toMatch(/^\s+updatedAt: DateTime! @join__field\(graph: CATALOG\)$/m);
    const on = COMPOSERS.apollo(supergraphInputs(SCALARS_SHAPE, {}, sdlUnder('OpsManager')));
    expect(on.hints).toEqual([]);
    expect(on.supergraphSdl).toMatch(/^\s+createdAt: OpsManagerDateTime!$/m);
    expect(on.supergraphSdl).toMatch(/^\s+updatedAt: DateTime! @join__field\(graph: CATALOG\)$/m);
  });
});

describe('a company Project that already has an invitations field', () => {
  it.each(['OpsManager', 'Acme', ''])(
    'does not compose, namespace %j or not: Project.invitations has two owners',
    (namespace) => {
      for (const compose of Object.values(COMPOSERS)) {
        const result = compose(supergraphInputs(OWN_PROJECT_INVITATIONS_SHAPE, {}, sdlUnder(namespace)));
        expect(result.errors).toContainEqual(
          expect.stringMatching(/^Non-shareable field "Project\.invitations" is resolved from multiple subgraphs/),
        );
      }
    },
  );
});
