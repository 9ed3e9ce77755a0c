/**
 * Where real servers are known to answer differently from the Ops Manager docs, the simulator can
 * answer either way, so that a client can be tested against each (test/integration/variants.test.ts).
 * The defaults are what the Ops Manager docs say.
 */
export interface SimulatorVariants {
  /** Status of a create. The Ops Manager docs say 201 Created; Atlas was recorded answering 200. */
  createStatus: 201 | 200;
  /**
   * What a delete answers. 'no-content': 204, no body, `Content-Type: application/json` (the
   * docs' example response); 'empty-object': 200 with `{}` (the docs' "returns an empty JSON
   * object"); 'empty-body': 200 with no body, typed application/json (the official Go client's
   * test mock).
   */
  deleteResponse: DeleteResponse;
  /**
   * `inviterUsername` of an invitation created through an API key. 'owner': the key owner's email
   * (the docs' examples show an email); 'public-key': the API key's public key (what a real
   * recording shows).
   */
  apiKeyInviter: ApiKeyInviter;
}

export type DeleteResponse = 'no-content' | 'empty-object' | 'empty-body';
export type ApiKeyInviter = 'owner' | 'public-key';

export const CREATE_STATUSES: readonly SimulatorVariants['createStatus'][] = [201, 200];
export const DELETE_RESPONSES: readonly DeleteResponse[] = ['no-content', 'empty-object', 'empty-body'];
export const API_KEY_INVITERS: readonly ApiKeyInviter[] = ['owner', 'public-key'];

/** What the Ops Manager docs say. */
export const DOCUMENTED_VARIANTS: Readonly<SimulatorVariants> = Object.freeze({
  createStatus: 201,
  deleteResponse: 'no-content',
  apiKeyInviter: 'owner',
});
