/**
 * The scratch apps of the consumer test, each as a frontend team would write it, each
 * installing the client's tarball and only what the app itself needs. The sources are kept
 * short and typed as the teams' apps would be (strict, exactOptionalPropertyTypes).
 */

export interface AppSpec {
  name: string;
  /** Registry packages besides the client's tarball, pinned (the registry here is a snapshot). */
  packages: string[];
  files: Record<string, string>;
}

const packageJson = (name: string, extra: object = {}) =>
  JSON.stringify({ name, version: '0.0.0', private: true, ...extra }, null, 2);

/** Plain Node ESM: the client, calls one by one, trusted document ids, the shipped files. */
export const nodeEsm: AppSpec = {
  name: 'node-esm',
  packages: [],
  files: {
    'package.json': packageJson('node-esm', { type: 'module' }),
    'index.js': `
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInvitationsClient, createTransport, listInvitations, InvitationsRequestError } from 'ops-manager-invitations-client';
import { ProjectInvitationsDocument, scalars } from 'ops-manager-invitations-client/documents';
import { possibleTypes } from 'ops-manager-invitations-client/possible-types';

const [url, projectId] = process.argv.slice(2);
const client = createInvitationsClient({ url, headers: async () => ({ 'x-request-id': 'node-esm' }) });
const listed = await client.listInvitations(projectId);
const byId = await listInvitations(createTransport({ url, sendDocumentIds: true }), projectId);
let missing;
try {
  await client.listInvitations('ffffffffffffffffffffffff');
} catch (error) {
  missing = error instanceof InvitationsRequestError ? error.codes : String(error);
}
const manifest = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('ops-manager-invitations-client/persisted-documents.json')), 'utf8'));
const schema = readFileSync(fileURLToPath(import.meta.resolve('ops-manager-invitations-client/schema.graphql')), 'utf8');
console.log(JSON.stringify({
  listed: listed.map((invitation) => invitation.username),
  byId: byId.map((invitation) => invitation.username),
  missing,
  documentIdInManifest: ProjectInvitationsDocument.__meta__.hash in manifest,
  manifestEntries: Object.keys(manifest).length,
  schemaHasInvitation: schema.includes('type Invitation'),
  scalars,
  errorMembers: possibleTypes.Error.length,
}));
`,
  },
};

/** Node CommonJS: require() of each entry point. */
export const nodeCjs: AppSpec = {
  name: 'node-cjs',
  packages: [],
  files: {
    'package.json': packageJson('node-cjs', { type: 'commonjs' }),
    'index.js': `
const { createInvitationsClient, InvitationsRequestError } = require('ops-manager-invitations-client');
const { ProjectInvitationsDocument } = require('ops-manager-invitations-client/documents');
const { possibleTypes } = require('ops-manager-invitations-client/possible-types');
const manifest = require('ops-manager-invitations-client/persisted-documents.json');

const [url, projectId] = process.argv.slice(2);
createInvitationsClient({ url }).listInvitations(projectId).then((listed) => {
  console.log(JSON.stringify({
    listed: listed.map((invitation) => invitation.username),
    errorClass: typeof InvitationsRequestError,
    documentIdInManifest: ProjectInvitationsDocument.__meta__.hash in manifest,
    errorMembers: possibleTypes.Error.length,
  }));
});
`,
  },
};

/** What a team's TypeScript writes against the package; checked under nodenext (ESM and CJS files) and bundler. */
const typedUsage = (fetchLine: string) => `
import { createInvitationsClient, createTransport, listInvitations, InvitationsRequestError, type Invitation, type InvitationsClientOptions } from 'ops-manager-invitations-client';
import { ProjectInvitationsDocument, type ProjectInvitationsQuery, type ProjectInvitationsQueryVariables, scalars } from 'ops-manager-invitations-client/documents';
import { possibleTypes } from 'ops-manager-invitations-client/possible-types';

declare const maybeSignal: { readonly aborted: boolean } | undefined;
declare const maybeUsername: string | undefined;

const options: InvitationsClientOptions = {
  url: 'http://127.0.0.1:4000/graphql',
  // A token refresh: async headers.
  headers: async () => ({ authorization: 'Bearer token' }),
  ${fetchLine}
};
const client = createInvitationsClient(options);

export async function show(projectId: string): Promise<string[]> {
  // exactOptionalPropertyTypes: options given as possibly-undefined values.
  const invitations: Invitation[] = await client.listInvitations(projectId, { username: maybeUsername, signal: maybeSignal });
  const one = await listInvitations(createTransport({ url: options.url, sendDocumentIds: true }), projectId);
  const result = await client.createInvitation(projectId, 'jane@example.com', ['GROUP_READ_ONLY']);
  switch (result.__typename) {
    case 'InvitationCreated':
      return [result.invitation.username];
    case 'AlreadyExistsError':
      return [result.message];
    default:
      return [result.code, result.message, ...invitations.map((invitation) => invitation.expiresAt), ...one.map((invitation) => invitation.id)];
  }
}

export function codesOf(error: unknown): readonly string[] {
  return error instanceof InvitationsRequestError && error.hasCode('PROJECT_NOT_FOUND') ? error.codes : [];
}

const variables: ProjectInvitationsQueryVariables = { projectId: '5f43a1c2e4b0a1b2c3d4e5f6', username: undefined };
export const typed: [typeof ProjectInvitationsDocument, ProjectInvitationsQuery | undefined, typeof variables] = [ProjectInvitationsDocument, undefined, variables];
export const dateTime: 'string' = scalars.DateTime;
export const members: readonly string[] = possibleTypes.CreateInvitationResult;
`;

const strictOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2022',
};

/** tsc --noEmit, strict + exactOptionalPropertyTypes; nodenext without DOM or Node types, bundler with DOM. */
export const typescript: AppSpec = {
  name: 'typescript',
  packages: ['typescript@7.0.2'],
  files: {
    'package.json': packageJson('typescript-app', { type: 'module' }),
    // nodenext, no DOM and no @types/node: the package's types need neither.
    'tsconfig.nodenext.json': JSON.stringify(
      {
        compilerOptions: {
          ...strictOptions,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2022'],
          types: [],
        },
        files: ['src/esm.mts', 'src/cjs.cts'],
      },
      null,
      2,
    ),
    'tsconfig.bundler.json': JSON.stringify(
      {
        compilerOptions: {
          ...strictOptions,
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['ES2022', 'DOM'],
          types: [],
        },
        files: ['src/bundler.ts'],
      },
      null,
      2,
    ),
    'src/esm.mts': typedUsage('// the default fetch'),
    // A CommonJS file of the same app: resolved through the "require" condition (.d.cts).
    'src/cjs.cts': typedUsage('// the default fetch'),
    'src/bundler.ts': typedUsage('fetch: (input, init) => fetch(input, init),'),
  },
};

/** Vite: the page lists the invitations of a project, importing one call (listInvitations). */
export const vite: AppSpec = {
  name: 'vite',
  packages: ['vite@8.3.8'],
  files: {
    'package.json': packageJson('vite-app', { type: 'module' }),
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>Invitations</title></head>
<body><h1>Invitations</h1><p id="status">loading</p><ul id="invitations"></ul><script type="module" src="/src/main.ts"></script></body></html>`,
    'src/main.ts': `
import { createTransport, listInvitations } from 'ops-manager-invitations-client';

const params = new URLSearchParams(location.search);
const transport = createTransport({ url: params.get('gateway') ?? '/graphql', headers: async () => ({ 'x-request-id': 'vite-app' }) });
const status = document.querySelector('#status')!;
listInvitations(transport, params.get('project') ?? '').then(
  (invitations) => {
    const list = document.querySelector('#invitations')!;
    for (const invitation of invitations) {
      const item = document.createElement('li');
      item.textContent = invitation.username + ' (' + invitation.roles.join(', ') + ')';
      list.append(item);
    }
    status.textContent = 'loaded ' + invitations.length;
  },
  (error: unknown) => {
    status.textContent = 'failed: ' + String(error);
  },
);
`,
    // The same app with every call (createInvitationsClient), built only to compare sizes.
    'all.html': `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/src/all.ts"></script></body></html>`,
    'src/all.ts': `
import { createInvitationsClient } from 'ops-manager-invitations-client';
const client = createInvitationsClient({ url: '/graphql' });
Object.assign(globalThis, { client });
`,
    'vite.all.config.js': `export default { build: { outDir: 'dist-all', rollupOptions: { input: 'all.html' } } };\n`,
  },
};

/** webpack 5 as its TypeScript guide configures it: ts-loader, its tsconfig, resolve.extensions. */
export const webpack: AppSpec = {
  name: 'webpack',
  // ts-loader needs TypeScript's JS API, which TypeScript 7 (native) does not have: 5.x.
  packages: ['webpack@5.112.2', 'webpack-cli@7.3.1', 'ts-loader@9.6.2', 'typescript@5.9.3'],
  files: {
    'package.json': packageJson('webpack-app'),
    // The guide's tsconfig.json, verbatim.
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          outDir: './dist/',
          noImplicitAny: true,
          module: 'es6',
          target: 'es5',
          jsx: 'react',
          allowJs: true,
          moduleResolution: 'node',
        },
      },
      null,
      2,
    ),
    // The guide's webpack.config.js (mode added: a production build).
    'webpack.config.js': `
const path = require('path');

module.exports = {
  mode: 'production',
  entry: './src/index.ts',
  module: {
    rules: [
      {
        test: /\\.tsx?$/,
        use: 'ts-loader',
        exclude: /node_modules/,
      },
    ],
  },
  resolve: {
    extensions: ['.tsx', '.ts', '.js'],
  },
  output: {
    filename: 'bundle.js',
    path: path.resolve(__dirname, 'dist'),
  },
};
`,
    'src/index.ts': `
import { createInvitationsClient } from 'ops-manager-invitations-client';

const target = globalThis as unknown as { gatewayUrl: string; projectId: string; done: (usernames: string[]) => void };
createInvitationsClient({ url: target.gatewayUrl })
  .listInvitations(target.projectId)
  .then((invitations) => target.done(invitations.map((invitation) => invitation.username)));
`,
    // The browser bundle, run in Node (which has fetch) with the globals the page would set.
    'run.cjs': `
const [url, projectId] = process.argv.slice(2);
Object.assign(globalThis, { gatewayUrl: url, projectId, done: (usernames) => console.log(JSON.stringify({ listed: usernames })) });
require('./dist/bundle.js');
`,
  },
};

/** Apollo Client 4 with the shipped possibleTypes: a typed error's code and message arrive. */
export const apollo: AppSpec = {
  name: 'apollo',
  packages: ['@apollo/client@4.3.8', 'graphql@16', 'rxjs@7'],
  files: {
    'package.json': packageJson('apollo-app', { type: 'module' }),
    'index.js': `
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { DeleteInvitationDocument } from 'ops-manager-invitations-client/documents';
import { possibleTypes } from 'ops-manager-invitations-client/possible-types';

const [url, projectId] = process.argv.slice(2);
async function deleteMissing(cache) {
  const client = new ApolloClient({ link: new HttpLink({ uri: url }), cache });
  const { data } = await client.mutate({ mutation: DeleteInvitationDocument, variables: { projectId, invitationId: 'aaaaaaaaaaaaaaaaaaaaaaaa' } });
  return data.deleteInvitation;
}
const withPossibleTypes = await deleteMissing(new InMemoryCache({ possibleTypes }));
const without = await deleteMissing(new InMemoryCache());
console.log(JSON.stringify({ withPossibleTypes, without }));
`,
  },
};

/** urql with the documented setting: queries as POST (or GET with the CSRF header). */
export const urql: AppSpec = {
  name: 'urql',
  packages: ['@urql/core@6.0.3', 'graphql@16'],
  files: {
    'package.json': packageJson('urql-app', { type: 'module' }),
    'index.js': `
import { Client, fetchExchange } from '@urql/core';
import { ProjectInvitationsDocument } from 'ops-manager-invitations-client/documents';

const [url, projectId] = process.argv.slice(2);
const run = async (options) => {
  const result = await new Client({ url, exchanges: [fetchExchange], ...options }).query(ProjectInvitationsDocument, { projectId }).toPromise();
  return result.error ? { error: result.error.response?.status ?? result.error.message } : { listed: result.data.project.invitations.map((i) => i.username) };
};
console.log(JSON.stringify({
  byDefault: await run({}),
  post: await run({ preferGetMethod: false }),
  getWithCsrfHeader: await run({ fetchOptions: { headers: { 'x-graphql-yoga-csrf': '1' } } }),
}));
`,
  },
};
