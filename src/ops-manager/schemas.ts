import { z } from 'zod';
import { type Invitation, parseTimestamp } from '../invitation.ts';

// Ops Manager writes `2021-02-18T18:51:46Z`; accept fractions and offsets too, so a
// format change upstream does not fail reads.
const Timestamp = z.iso.datetime({ offset: true }).transform(parseTimestamp);

/**
 * One invitation as Ops Manager sends it. Unknown extra fields (orgId, teamIds, links, ...) are allowed and dropped;
 * the fields a UI cannot do without are required, the cosmetic ones may be missing.
 */
export const InvitationBodySchema = z.looseObject({
  // Ids are checked strictly on input; on output a tolerant reader is kinder than a failed list.
  id: z.string().min(1),
  groupId: z.string().min(1),
  groupName: z.string().nullish(),
  username: z.string().min(1),
  inviterUsername: z.string().nullish(),
  roles: z.array(z.string()),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});

/** GET /invites answers a bare JSON array (no `results` wrapper, no paging). */
export const InvitationListBodySchema = z.array(InvitationBodySchema);

/**
 * DELETE answers 204 with no body, or (say the docs) an empty JSON object. Anything else
 * on a 2xx is not a response this gateway can vouch for.
 */
export const DeleteBodySchema = z.strictObject({}).transform(() => undefined);

export function toInvitation(body: z.infer<typeof InvitationBodySchema>): Invitation {
  return {
    id: body.id,
    projectId: body.groupId,
    projectName: body.groupName ?? null,
    username: body.username,
    inviterUsername: body.inviterUsername ?? null,
    roleNames: body.roles,
    createdAt: body.createdAt,
    expiresAt: body.expiresAt,
  };
}
