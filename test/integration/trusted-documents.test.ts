/**
 * Trusted documents over real HTTP: a request names one of the client package's documents by
 * its id (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`); with
 * TRUSTED_DOCUMENTS=require anything else is refused before it is parsed, and before any
 * upstream call.
 */
import { createInvitationsClient, InvitationsRequestError } from 'ops-manager-invitations-client';
import { ProjectInvitationsDocument } from 'ops-manager-invitations-client/documents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadTrustedDocuments } from '../../src/security/trusted-documents.ts';
import { DEMO_INVITATIONS, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const paymentsUsernames = DEMO_INVITATIONS.filter((invitation) => invitation.groupId === payments).map(
  (invitation) => invitation.username,
);
const LIST_ID = (ProjectInvitationsDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
const UNKNOWN_ID = `sha256:${'0'.repeat(64)}`;

interface Answer {
  status: number;
  json: {
    data?: { project?: { invitations?: { username: string }[] } } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

async function post(stack: Stack, body: object): Promise<Answer> {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Answer['json'] };
}

const usernames = (answer: Answer) => answer.json.data?.project?.invitations?.map((invitation) => invitation.username);
const codes = (answer: Answer) => answer.json.errors?.map((error) => error.extensions?.code);
const listText = `{ project(id: "${payments}") { invitations { username } } }`;

describe('the trusted documents manifest', () => {
  it('lists each operation of operations/ under its sha256 id, the id the typed documents carry', () => {
    const manifest = loadTrustedDocuments();
    expect(Object.keys(manifest)).toHaveLength(6);
    expect(LIST_ID).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest[LIST_ID]).toMatch(/query ProjectInvitations\(/);
  });
});

describe('TRUSTED_DOCUMENTS=allow (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent' });
  });
  afterAll(() => stack.close());

  it('runs a document named by documentId, by Apollo’s sha256Hash, or sent as text', async () => {
    const variables = { projectId: payments };
    const byId = await post(stack, { documentId: LIST_ID, variables });
    const byApolloHash = await post(stack, {
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: LIST_ID.slice('sha256:'.length) } },
    });
    const byText = await post(stack, { query: listText });
    for (const answer of [byId, byApolloHash, byText]) {
      expect(answer.status).toBe(200);
      expect(usernames(answer)).toEqual(paymentsUsernames);
    }
  });

  it('runs a documentId sent on GET (with the CSRF header)', async () => {
    const url = new URL(stack.url);
    url.searchParams.set('documentId', LIST_ID);
    url.searchParams.set('variables', JSON.stringify({ projectId: payments }));
    const response = await fetch(url, {
      headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(response.status).toBe(200);
    expect(usernames({ status: 200, json: await response.json() })).toEqual(paymentsUsernames);
  });

  it('refuses an unknown id with 400 PERSISTED_QUERY_NOT_FOUND, before any upstream call', async () => {
    const before = stack.upstreamCalls();
    const answer = await post(stack, { documentId: UNKNOWN_ID, variables: { projectId: payments } });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(stack.upstreamCalls()).toBe(before);
  });

  it('lets the client send ids instead of documents', async () => {
    const sent: string[] = [];
    const client = createInvitationsClient({
      url: stack.url,
      sendDocumentIds: true,
      fetch: (input, init) => {
        sent.push(String(init.body));
        return fetch(input, init);
      },
    });
    const invitations = await client.listInvitations(payments);
    expect(invitations.map((invitation) => invitation.username)).toEqual(paymentsUsernames);
    expect(JSON.parse(sent[0]!)).toEqual({
      documentId: LIST_ID,
      variables: { projectId: payments },
      operationName: 'ProjectInvitations',
    });
  });
});

describe('TRUSTED_DOCUMENTS=require', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent', security: { trustedDocuments: 'require' } });
  });
  afterAll(() => stack.close());

  it('refuses any document sent as text with 403 TRUSTED_DOCUMENT_REQUIRED, before parsing it and before any upstream call', async () => {
    const before = stack.upstreamCalls();
    const text = await post(stack, { query: listText });
    // Not even parsed: an unparsable document gets the same answer, not GRAPHQL_PARSE_FAILED.
    const garbage = await post(stack, { query: '{ {{{ not graphql' });
    const introspection = await post(stack, { query: '{ __schema { types { name } } }' });
    for (const answer of [text, garbage, introspection]) {
      expect(answer.status).toBe(403);
      expect(codes(answer)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
      expect(answer.json.data ?? null).toBeNull();
    }
    expect(stack.upstreamCalls()).toBe(before);
  });

  it('refuses a request naming no document with the same code, and an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    const none = await post(stack, { variables: { projectId: payments } });
    expect([none.status, codes(none)]).toEqual([403, ['TRUSTED_DOCUMENT_REQUIRED']]);
    const unknown = await post(stack, { documentId: UNKNOWN_ID });
    expect([unknown.status, codes(unknown)]).toEqual([400, ['PERSISTED_QUERY_NOT_FOUND']]);
  });

  it('runs the client package’s documents by id: the client with sendDocumentIds works, without it is refused', async () => {
    const byId = createInvitationsClient({ url: stack.url, sendDocumentIds: true });
    expect((await byId.listInvitations(payments)).map((invitation) => invitation.username)).toEqual(paymentsUsernames);
    const created = await byId.createInvitation(payments, 'trusted.documents@example.com', ['GROUP_READ_ONLY']);
    expect(created.__typename).toBe('InvitationCreated');

    const byText = createInvitationsClient({ url: stack.url });
    const refusal = await byText.listInvitations(payments).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InvitationsRequestError);
    expect(refusal).toMatchObject({ status: 403, codes: ['TRUSTED_DOCUMENT_REQUIRED'] });
  });
});

describe('TRUSTED_DOCUMENTS=off', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent', security: { trustedDocuments: 'off' } });
  });
  afterAll(() => stack.close());

  it('knows no ids: a documentId alone is a request without a document', async () => {
    const answer = await post(stack, { documentId: LIST_ID, variables: { projectId: payments } });
    expect(answer.status).toBe(400);
    expect(answer.json.data ?? null).toBeNull();
    expect(usernames(await post(stack, { query: listText }))).toEqual(paymentsUsernames);
  });
});

describe('TRUSTED_DOCUMENTS defaults', () => {
  const production = {
    NODE_ENV: 'production',
    OPS_MANAGER_BASE_URL: 'https://om.example.com/api/public/v1.0',
    OPS_MANAGER_PUBLIC_KEY: 'k',
    OPS_MANAGER_PRIVATE_KEY: 'p',
    AUTH_MODE: 'passthrough',
  };

  it('allows any document in every environment unless told; GraphiQL is off where ids are required', () => {
    expect(loadConfig({}).security).toMatchObject({ trustedDocuments: 'allow', graphiql: true });
    expect(loadConfig(production).security).toMatchObject({ trustedDocuments: 'allow', graphiql: false });
    expect(loadConfig({ TRUSTED_DOCUMENTS: 'require' }).security).toMatchObject({
      trustedDocuments: 'require',
      graphiql: false,
    });
    expect(loadConfig({ ...production, TRUSTED_DOCUMENTS: 'require' }).security.trustedDocuments).toBe('require');
  });

  it('refuses GRAPHIQL=true with require, and an unknown mode, naming the variable', () => {
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: 'require', GRAPHIQL: 'true' })).toThrow(
      /GRAPHIQL: true needs TRUSTED_DOCUMENTS=allow or off/,
    );
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: 'sometimes' })).toThrow(/TRUSTED_DOCUMENTS/);
  });
});
