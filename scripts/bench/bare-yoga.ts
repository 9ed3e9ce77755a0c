/**
 * graphql-yoga with its defaults and nothing of the gateway: a two-resolver schema of the single
 * project query's shape, its invitations from memory after an optional wait. The benchmark's
 * reference for what any server on this framework costs (ceiling.ts, layers.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSchema, createYoga } from 'graphql-yoga';
import { generatedInvitationId } from '../../src/simulator/demo-data.ts';

/** Ten invitations as the gateway renders them for the benchmark's seed. */
export const TEN_INVITATIONS = Array.from({ length: 10 }, (_, index) => ({
  id: generatedInvitationId(0, index),
  username: `user${index}@example.com`,
  roles: ['GROUP_READ_ONLY'],
  createdAt: '2026-11-22T10:00:00Z',
  expiresAt: '2026-12-22T10:00:00Z',
  expired: false,
}));

const typeDefs = /* GraphQL */ `
  scalar ObjectID
  type Invitation { id: ObjectID! username: String! roles: [String!]! createdAt: String! expiresAt: String! expired: Boolean! }
  type Project { id: ObjectID! invitations: [Invitation!] }
  type Query { project(id: ObjectID!): Project }
`;

/** `waitMs` stands where the gateway's one upstream call is. */
export function createBareYoga(waitMs = 0) {
  return createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        Query: { project: (_root: unknown, { id }: { id: string }) => ({ id }) },
        Project: { invitations: async () => (waitMs > 0 ? (await sleep(waitMs), TEN_INVITATIONS) : TEN_INVITATIONS) },
      },
    }),
    logging: false,
  });
}
