import { apiErrors } from './errors.ts';
import { isObjectId, newObjectId } from './ids.ts';
import { applySeed, type SeedOption } from './demo-data.ts';

export interface Project {
  id: string;
  name: string;
}

/** An invitation exactly as Ops Manager serialises it (plus any configured extra fields). */
export interface Invitation {
  id: string;
  groupId: string;
  groupName: string;
  username: string;
  inviterUsername: string;
  roles: string[];
  createdAt: string;
  expiresAt: string;
}

export interface NewInvitation {
  groupId: string;
  username: string;
  /** Not validated here: tests may seed roles the API would refuse (e.g. 'GROUP_SEARCH_INDEX_EDITOR'). */
  roles: readonly string[];
  /** @default a fresh ObjectId */
  id?: string;
  /** @default 'admin@example.com' */
  inviterUsername?: string;
  /** ms since epoch or ISO string. @default now */
  createdAt?: number | string;
  /** ms since epoch or ISO string. @default createdAt + 30 days */
  expiresAt?: number | string;
  /** Unknown fields this invitation carries, so clients prove they tolerate them. */
  extraFields?: Record<string, unknown>;
}

export interface SimulatorStoreOptions {
  now: () => number;
  /** @default 'demo' */
  seed?: SeedOption;
  /** Unknown fields added to every invitation the API returns. */
  extraInvitationFields?: Record<string, unknown>;
}

interface StoredInvitation {
  id: string;
  groupId: string;
  username: string;
  inviterUsername: string;
  roles: string[];
  createdAt: string;
  expiresAt: string;
  extraFields: Record<string, unknown>;
}

/** Users have 30 days to accept an invitation. */
export const INVITATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** ISO 8601 in UTC with `Z` and no milliseconds, as Ops Manager writes timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const toMs = (value: number | string): number => (typeof value === 'number' ? value : Date.parse(value));

/** Ops Manager compares usernames (email addresses) ignoring case; so do the filter and the update by username. */
const sameUsername = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Projects and their pending invitations, with the rules the API enforces on them. Operations
 * named like the API throw `OpsManagerError`; the `add*`/`get*` helpers are for tests and seeds.
 */
export class SimulatorStore {
  readonly #projects = new Map<string, Project>();
  readonly #invitations = new Map<string, StoredInvitation>();
  /** The same invitations by project, in creation order: a list reads its project's only. */
  readonly #byProject = new Map<string, Map<string, StoredInvitation>>();
  readonly #deniedUserAdmin = new Set<string>();
  readonly #now: () => number;
  readonly #seed: SeedOption;
  #extraInvitationFields: Record<string, unknown>;

  constructor(options: SimulatorStoreOptions) {
    this.#now = options.now;
    this.#seed = options.seed ?? 'demo';
    this.#extraInvitationFields = { ...options.extraInvitationFields };
    this.reset();
  }

  /** Empties the store and seeds it again (with `seed`, or the one given at construction). */
  reset(seed: SeedOption = this.#seed): void {
    this.clear();
    applySeed(this, seed, this.#now());
  }

  clear(): void {
    this.#projects.clear();
    this.#invitations.clear();
    this.#byProject.clear();
    this.#deniedUserAdmin.clear();
  }

  addProject(project: { id?: string; name: string }): Project {
    const id = (project.id ?? newObjectId(this.#now())).toLowerCase();
    if (!isObjectId(id)) throw new Error(`project id must be 24 hex characters: ${id}`);
    if (this.#projects.has(id)) throw new Error(`project ${id} already exists`);
    const added = { id, name: project.name };
    this.#projects.set(id, added);
    return { ...added };
  }

  getProject(groupId: string): Project | undefined {
    const project = this.#projects.get(groupId.toLowerCase());
    return project && { ...project };
  }

  listProjects(): Project[] {
    return [...this.#projects.values()].map((project) => ({ ...project }));
  }

  addInvitation(input: NewInvitation): Invitation {
    const groupId = input.groupId.toLowerCase();
    if (!this.#projects.has(groupId)) throw new Error(`no project ${groupId}`);
    const id = (input.id ?? newObjectId(this.#now())).toLowerCase();
    if (!isObjectId(id)) throw new Error(`invitation id must be 24 hex characters: ${id}`);
    if (this.#invitations.has(id)) throw new Error(`invitation ${id} already exists`);
    const createdAtMs = toMs(input.createdAt ?? this.#now());
    const stored: StoredInvitation = {
      id,
      groupId,
      username: input.username,
      inviterUsername: input.inviterUsername ?? 'admin@example.com',
      roles: [...input.roles],
      createdAt: isoSeconds(createdAtMs),
      expiresAt: isoSeconds(
        input.expiresAt === undefined ? createdAtMs + INVITATION_LIFETIME_MS : toMs(input.expiresAt),
      ),
      extraFields: { ...input.extraFields },
    };
    this.#invitations.set(id, stored);
    let project = this.#byProject.get(groupId);
    if (project === undefined) this.#byProject.set(groupId, (project = new Map()));
    project.set(id, stored);
    return this.#render(stored);
  }

  /** Pending invitations of a project in creation order; `username` matches the whole address, ignoring case. */
  listInvitations(groupId: string, filter: { username?: string } = {}): Invitation[] {
    const project = this.#byProject.get(groupId.toLowerCase());
    if (project === undefined) return [];
    return [...project.values()]
      .filter((invitation) => filter.username === undefined || sameUsername(invitation.username, filter.username))
      .map((invitation) => this.#render(invitation));
  }

  /** By id alone, or by project and id (undefined when the invitation belongs to another project). */
  getInvitation(invitationId: string): Invitation | undefined;
  getInvitation(groupId: string, invitationId: string): Invitation | undefined;
  getInvitation(first: string, second?: string): Invitation | undefined {
    const stored = this.#find(second === undefined ? undefined : first, second ?? first);
    return stored && this.#render(stored);
  }

  removeInvitation(invitationId: string): boolean {
    const stored = this.#invitations.get(invitationId.toLowerCase());
    if (stored === undefined) return false;
    this.#invitations.delete(stored.id);
    this.#byProject.get(stored.groupId)?.delete(stored.id);
    return true;
  }

  /** Unknown fields added to every invitation the API returns (replaces the previous set). */
  setExtraInvitationFields(fields: Record<string, unknown> | undefined): void {
    this.#extraInvitationFields = { ...fields };
  }

  /**
   * Takes the Project User Admin role away from an API key on a project (every key when
   * `publicKey` is omitted): its invites calls there answer 401 NOT_GROUP_USER_ADMIN.
   */
  denyUserAdmin(groupId: string, publicKey = '*'): void {
    this.#deniedUserAdmin.add(`${groupId.toLowerCase()} ${publicKey}`);
  }

  allowUserAdmin(groupId: string, publicKey = '*'): void {
    this.#deniedUserAdmin.delete(`${groupId.toLowerCase()} ${publicKey}`);
  }

  // ---- API operations: they enforce Ops Manager's rules and throw OpsManagerError ----

  /** The project named in the path: INVALID_GROUP_ID for a malformed id, GROUP_NOT_FOUND for an unknown one. */
  requireProject(groupId: string): Project {
    if (!isObjectId(groupId)) throw apiErrors.invalidGroupId(groupId);
    const project = this.getProject(groupId);
    if (project === undefined) throw apiErrors.groupNotFound(groupId);
    return project;
  }

  requireUserAdmin(groupId: string, publicKey: string | undefined): void {
    const group = groupId.toLowerCase();
    if (this.#deniedUserAdmin.has(`${group} *`) || this.#deniedUserAdmin.has(`${group} ${publicKey ?? ''}`)) {
      throw apiErrors.notGroupUserAdmin(groupId);
    }
  }

  requireInvitation(groupId: string, invitationId: string): Invitation {
    const invitation = this.getInvitation(groupId, invitationId);
    if (invitation === undefined) throw apiErrors.resourceNotFound(`invitation with id ${invitationId}`);
    return invitation;
  }

  /** One pending invitation per username and project: a second one is USER_ALREADY_EXISTS. */
  createInvitation(
    groupId: string,
    request: { username: string; roles: string[] },
    inviterUsername: string,
  ): Invitation {
    if (this.listInvitations(groupId, { username: request.username }).length > 0) {
      throw apiErrors.userAlreadyExists(request.username);
    }
    return this.addInvitation({ groupId, username: request.username, roles: request.roles, inviterUsername });
  }

  /**
   * Replaces all roles of the invitation. A `username` given beside them (seed 003's example
   * request does) must be the invitation's own, ignoring case: an invitation's user cannot change.
   */
  updateInvitationRoles(groupId: string, invitationId: string, roles: string[], username?: string): Invitation {
    const stored = this.#find(groupId, invitationId);
    if (stored === undefined) throw apiErrors.resourceNotFound(`invitation with id ${invitationId}`);
    if (username !== undefined && !sameUsername(stored.username, username))
      throw apiErrors.attributeReadOnly('username');
    stored.roles = [...roles];
    return this.#render(stored);
  }

  /** The Cloud Manager form: finds the pending invitation by username (ignoring case), replaces its roles. */
  updateInvitationRolesByUsername(groupId: string, username: string, roles: string[]): Invitation {
    const [invitation] = this.listInvitations(groupId, { username });
    if (invitation === undefined) throw apiErrors.resourceNotFound(`invitation for username ${username}`);
    return this.updateInvitationRoles(groupId, invitation.id, roles);
  }

  deleteInvitation(groupId: string, invitationId: string): void {
    if (this.#find(groupId, invitationId) === undefined) {
      throw apiErrors.resourceNotFound(`invitation with id ${invitationId}`);
    }
    this.removeInvitation(invitationId);
  }

  #find(groupId: string | undefined, invitationId: string): StoredInvitation | undefined {
    const stored = this.#invitations.get(invitationId.toLowerCase());
    if (stored === undefined || (groupId !== undefined && stored.groupId !== groupId.toLowerCase())) return undefined;
    return stored;
  }

  #render(stored: StoredInvitation): Invitation {
    return {
      id: stored.id,
      groupId: stored.groupId,
      groupName: this.#projects.get(stored.groupId)?.name ?? '',
      username: stored.username,
      inviterUsername: stored.inviterUsername,
      roles: [...stored.roles],
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt,
      ...this.#extraInvitationFields,
      ...stored.extraFields,
    };
  }
}
