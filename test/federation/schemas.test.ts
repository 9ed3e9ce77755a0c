import { readFileSync } from 'node:fs';
import {
  getNamedType,
  type GraphQLSchema,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  printSchema,
  specifiedDirectives,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { schema, subgraphSchema, subgraphSchemaFor } from '../../src/schema/index.ts';
import { SUBGRAPH_FILE } from '../../src/schema/print.ts';
import { appOverrides, stackConfig } from '../integration/stack.ts';
import { printSubgraphSchema } from '@apollo/subgraph';

const FEDERATION_TYPES = [
  '_Any',
  '_Entity',
  '_Service',
  'link__Import',
  'link__Purpose',
  'federation__FieldSet',
  'FieldSet',
];

function queryFields(target: GraphQLSchema): string[] {
  return Object.keys(target.getQueryType()!.getFields()).sort();
}

/** A client for operations that must not reach Ops Manager: any call fails the test. */
/** Our service with the subgraph on (keyed by `projectIdType`), whose every Ops Manager call fails the test. */
async function subgraphApp(projectIdType: 'ID' | 'String'): Promise<App> {
  const options = {
    logLevel: 'silent',
    env: { FEDERATION_SUBGRAPH: 'true', FEDERATION_PROJECT_ID_TYPE: projectIdType },
  };
  return createApp(stackConfig(options), {
    ...appOverrides(options),
    upstream: { baseUrl: 'http://127.0.0.1:9/api/public/v1.0', publicKey: 'unused', privateKey: 'unused-private-key' },
    wrapTransport: () => () => Promise.reject(new Error('no upstream call expected')),
  });
}

describe('the plain schema has no federation noise', () => {
  it('has no _service, _entities or federation types', () => {
    expect(queryFields(schema)).toEqual(['project', 'projects']);
    for (const name of FEDERATION_TYPES) expect(schema.getType(name)).toBeUndefined();
  });

  it('defines only the specified directives, and its SDL applies none of federation’s', () => {
    expect(
      schema
        .getDirectives()
        .map((d) => d.name)
        .sort(),
    ).toEqual(specifiedDirectives.map((d) => d.name).sort());
    expect(printSchema(schema)).not.toMatch(/@key|@link|@external|@shareable/);
  });
});

describe('the subgraph schema', () => {
  it('adds _service and _entities, claims no other root query field, and Project is the only entity', () => {
    // project/projects are the company graph's to own: a second owner fails composition.
    expect(queryFields(subgraphSchema)).toEqual(['_entities', '_service']);
    const entities = subgraphSchema.getQueryType()!.getFields()._entities!;
    expect(entities.args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual(['representations: [_Any!]!']);
    const entity = getNamedType(entities.type);
    expect(isUnionType(entity) && entity.getTypes().map((type) => type.name)).toEqual(['Project']);
  });

  it.each([
    [
      'OpsManager',
      (name: string) =>
        ['Project', 'Query', 'Mutation', 'String', 'Boolean', 'Int', 'ID'].includes(name) || name.startsWith('__')
          ? name
          : `OpsManager${name}`,
    ],
    ['', (name: string) => name],
  ])(
    'keeps every type and field of the plain API under namespace %j, with the same types but Project.id',
    (namespace, ns) => {
      const subgraph = subgraphSchemaFor('ID', namespace);
      const field = (name: string) =>
        namespace && ['createInvitation', 'deleteInvitation', 'updateInvitationRoles'].includes(name)
          ? `opsManager${name[0]!.toUpperCase()}${name.slice(1)}`
          : name;
      // Built-in scalars it does not use (Float) are not listed in a schema's type map.
      for (const type of Object.values(schema.getTypeMap()).filter((t) => !isSpecifiedScalarType(t))) {
        const twin = subgraph.getType(ns(type.name));
        expect(twin?.toString(), type.name).toBe(ns(type.name));
        expect(twin?.description, type.name).toBe(type.name === 'Project' ? undefined : type.description);
        if (isObjectType(type) && type.name !== 'Query') {
          const fields = (twin as typeof type).getFields();
          expect(Object.keys(fields)).toEqual(Object.keys(type.getFields()).map(field));
          for (const [name, plain] of Object.entries(type.getFields())) {
            const expected = `${type.name}.${name}` === 'Project.id' ? 'ID!' : String(plain.type).replace(/\w+/, ns);
            expect(String(fields[field(name)]!.type), `${type.name}.${name}`).toBe(expected);
            expect(fields[field(name)]!.args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual(
              plain.args.map((arg) => `${arg.name}: ${String(arg.type).replace(/\w+/, ns)}`),
            );
          }
        }
      }
    },
  );

  it('namespaces nothing of federation’s: _Any, _Entity, _Service keep their names', () => {
    for (const name of ['_Any', '_Entity', '_Service']) expect(subgraphSchema.getType(name), name).toBeDefined();
    expect(Object.keys(subgraphSchema.getTypeMap()).filter((name) => name.startsWith('OpsManager_'))).toEqual([]);
  });

  it('keys Project by the scalar asked for (FEDERATION_PROJECT_ID_TYPE), in the schema and its SDL', () => {
    const keyedByString = subgraphSchemaFor('String');
    const project = keyedByString.getType('Project');
    expect(isObjectType(project) && String(project.getFields().id!.type)).toBe('String!');
    const sdl = printSubgraphSchema(keyedByString);
    expect(sdl).toMatch(/type Project\s+@key\(fields: "id"\)\s*\{[^}]*\bid: String!/);
    // Only that line differs from the pinned default.
    expect(sdl.replace(/(type Project[^}]*\bid: )String!/, '$1ID!')).toBe(printSubgraphSchema(subgraphSchema));
  });

  /** `_service { sdl }` as a router asks it, from our service with the subgraph on, keyed by `projectIdType`. */
  async function serviceSdl(projectIdType: 'ID' | 'String'): Promise<string> {
    const app = await subgraphApp(projectIdType);
    try {
      const response = await app.subgraph!.fetch('http://127.0.0.1/subgraph', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      return ((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
    } finally {
      await app.close();
    }
  }

  it('answers _service { sdl } with subgraph.graphql, without calling Ops Manager', async () => {
    expect(`${await serviceSdl('ID')}\n`).toBe(readFileSync(SUBGRAPH_FILE, 'utf8'));
  });

  it('answers _service { sdl } with the String-keyed SDL when keyed by String', async () => {
    const sdl = await serviceSdl('String');
    expect(sdl).toBe(printSubgraphSchema(subgraphSchemaFor('String')));
    expect(sdl).toMatch(/\bid: String!/);
  });
});
