// The simulator's public surface: everything other code and tests may import.
export { startSimulator, type Simulator, type SimulatorApiKey, type SimulatorOptions } from './server.ts';
export {
  DEFAULT_API_KEY_OWNER,
  DEMO_API_KEY,
  DEMO_EXPIRED_INVITATION_ID,
  DEMO_INVITATIONS,
  DEMO_PROJECT_IDS,
  DEMO_PROJECTS,
  generatedInvitationId,
  generatedProjectId,
  generatedUsername,
  type SeedOption,
} from './demo-data.ts';
export {
  SimulatorStore,
  INVITATION_LIFETIME_MS,
  isoSeconds,
  type Invitation,
  type NewInvitation,
  type Project,
} from './store.ts';
export type { CounterSnapshot, SimulatorCounters } from './counters.ts';
export type { Fault, FaultMatch, FaultOptions, FaultPlan, PlannedRequest, SimulatorFaults } from './faults.ts';
export { type SeededFaultOptions, seededFaultPlan } from './seeded-faults.ts';
export { PROJECT_ROLES, type ProjectRole } from './roles.ts';
export { API_BASE_PATH } from './routes.ts';
export {
  API_KEY_INVITERS,
  CREATE_STATUSES,
  DELETE_RESPONSES,
  DOCUMENTED_VARIANTS,
  type ApiKeyInviter,
  type DeleteResponse,
  type SimulatorVariants,
} from './variants.ts';
export { DIGEST_REALM } from './digest.ts';
