/**
 * Standalone simulator: `tsx src/simulator/main.ts`. Listens on PORT or SIMULATOR_PORT (default
 * 8080) at 127.0.0.1 with the demo data, prints what a client needs, and stops on SIGINT/SIGTERM.
 * Test controls are served under /__simulator/ (see control.ts).
 *
 * For benchmarks and load tests, three more variables (all optional; unset or empty keeps the
 * defaults above):
 *   SIMULATOR_SEED_PROJECTS      generated projects instead of the demo data (ids: generatedProjectId)
 *   SIMULATOR_SEED_INVITATIONS   invitations per generated project (default 10; needs SIMULATOR_SEED_PROJECTS)
 *   SIMULATOR_LATENCY_MS         fixed latency added to every API response (default 0)
 *   SIMULATOR_RATE_LIMIT_PER_MINUTE  requests per project per minute before 429 RATE_LIMITED with
 *                                Retry-After, as Atlas documents (default 0: no limit)
 *
 * And the variants, where real servers answer differently (defaults: what the Ops Manager docs say;
 * see SimulatorOptions):
 *   SIMULATOR_CREATE_STATUS      201 (default) or 200
 *   SIMULATOR_DELETE_RESPONSE    no-content (default: 204), empty-object (200 {}), empty-body (200, no body)
 *   SIMULATOR_INVITER            owner (default: the key owner's email) or public-key
 *   SIMULATOR_NONCE_LIFETIME_MS  Digest nonce lifetime (default 300000)
 *   SIMULATOR_NONCE_COUNT_CHECK  true (default: a nonce count that does not rise is refused) or false
 *   SIMULATOR_AUTH               digest (default) or none (no Digest: every request is answered as
 *                                authenticated; the benchmark's peer phase, for a peer that cannot speak Digest)
 */
import {
  API_KEY_INVITERS,
  CREATE_STATUSES,
  DELETE_RESPONSES,
  DEMO_API_KEY,
  DEMO_PROJECTS,
  DOCUMENTED_VARIANTS,
  generatedProjectId,
  type SeedOption,
  startSimulator,
} from './index.ts';

/** Seeds larger than this would take minutes and gigabytes to build; no benchmark needs them. */
const MAX_SEEDED_INVITATIONS = 5_000_000;

/** Exits with code 2 and one line naming the variable, as the port check always has. */
function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}

/** An integer variable in [min, max], or `fallback` when unset or empty (`FOO= tsx ...`). */
function readInteger(names: readonly string[], fallback: number, min: number, max: number): number {
  const name = names.find((candidate) => process.env[candidate]);
  if (name === undefined) return fallback;
  const raw = process.env[name] ?? '';
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    refuse(`${names.join('/')} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** One of `choices` (as written), or `fallback` when unset or empty. */
function readChoice<T extends string | number>(name: string, choices: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (!raw) return fallback;
  const choice = choices.find((candidate) => String(candidate) === raw);
  if (choice === undefined) refuse(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return choice;
}

function readSeed(): SeedOption {
  const projectsSet = Boolean(process.env['SIMULATOR_SEED_PROJECTS']);
  if (!projectsSet) {
    if (process.env['SIMULATOR_SEED_INVITATIONS']) refuse('SIMULATOR_SEED_INVITATIONS needs SIMULATOR_SEED_PROJECTS');
    return 'demo';
  }
  const projects = readInteger(['SIMULATOR_SEED_PROJECTS'], 0, 0, 100_000);
  const invitationsPerProject = readInteger(['SIMULATOR_SEED_INVITATIONS'], 10, 0, MAX_SEEDED_INVITATIONS);
  if (projects * invitationsPerProject > MAX_SEEDED_INVITATIONS) {
    refuse(`SIMULATOR_SEED_PROJECTS x SIMULATOR_SEED_INVITATIONS must be at most ${MAX_SEEDED_INVITATIONS}`);
  }
  return { projects, invitationsPerProject };
}

// PORT comes first: it is what `PORT=9000 npm run simulator` means.
const port = readInteger(['PORT', 'SIMULATOR_PORT'], 8080, 0, 65535);
const seed = readSeed();
const latencyMs = readInteger(['SIMULATOR_LATENCY_MS'], 0, 0, 600_000);
const rateLimitPerMinute = readInteger(['SIMULATOR_RATE_LIMIT_PER_MINUTE'], 0, 0, 1_000_000);
const variants = {
  createStatus: readChoice('SIMULATOR_CREATE_STATUS', CREATE_STATUSES, DOCUMENTED_VARIANTS.createStatus),
  deleteResponse: readChoice('SIMULATOR_DELETE_RESPONSE', DELETE_RESPONSES, DOCUMENTED_VARIANTS.deleteResponse),
  apiKeyInviter: readChoice('SIMULATOR_INVITER', API_KEY_INVITERS, DOCUMENTED_VARIANTS.apiKeyInviter),
};
const nonceLifetimeMs = readInteger(['SIMULATOR_NONCE_LIFETIME_MS'], 300_000, 1, 86_400_000);
const checkNonceCount = readChoice('SIMULATOR_NONCE_COUNT_CHECK', ['true', 'false'], 'true') === 'true';
const auth = readChoice('SIMULATOR_AUTH', ['digest', 'none'] as const, 'digest');

const simulator = await startSimulator({
  port,
  host: '127.0.0.1',
  seed,
  latencyMs,
  ...variants,
  nonceLifetimeMs,
  checkNonceCount,
  auth,
  rateLimitPerMinute,
});
console.log(`Ops Manager simulator listening: ${simulator.baseUrl}`);
if (auth === 'none') console.log('Digest off (SIMULATOR_AUTH=none): every request is answered as authenticated');
else console.log(`Digest API key: public "${DEMO_API_KEY.publicKey}", private "${DEMO_API_KEY.privateKey}"`);
if (seed === 'demo') {
  for (const project of DEMO_PROJECTS) console.log(`Demo project ${project.id} ${project.name}`);
} else if (seed !== 'empty') {
  const range = seed.projects === 0 ? 'none' : `${generatedProjectId(0)} to ${generatedProjectId(seed.projects - 1)}`;
  console.log(`Generated ${seed.projects} projects with ${seed.invitationsPerProject} invitations each (ids ${range})`);
}
if (latencyMs > 0) console.log(`Fixed latency: ${latencyMs} ms on every API response`);
if (rateLimitPerMinute > 0)
  console.log(`Rate limit: ${rateLimitPerMinute} requests per project per minute, then 429 with Retry-After`);
console.log(
  `Variants: create ${variants.createStatus}, delete ${variants.deleteResponse}, inviter ${variants.apiKeyInviter}; ` +
    `Digest nonce lifetime ${nonceLifetimeMs} ms, nonce-count check ${checkNonceCount ? 'on' : 'off'}`,
);
console.log(`Test controls: ${simulator.origin}/__simulator/counters (and faults, latency, reset)`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the simulator`);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
