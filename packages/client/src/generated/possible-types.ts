
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CreateInvitationResult": [
      "AlreadyExistsError",
      "ConcurrentChangeError",
      "ForbiddenError",
      "InvalidInputError",
      "InvitationCreated",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ],
    "DeleteInvitationResult": [
      "ForbiddenError",
      "InvalidInputError",
      "InvitationDeleted",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ],
    "Error": [
      "AlreadyExistsError",
      "ConcurrentChangeError",
      "ForbiddenError",
      "InvalidInputError",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ],
    "UpdateInvitationRolesResult": [
      "ForbiddenError",
      "InvalidInputError",
      "InvitationRolesUpdated",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "CreateInvitationResult": [
      "AlreadyExistsError",
      "ConcurrentChangeError",
      "ForbiddenError",
      "InvalidInputError",
      "InvitationCreated",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ],
    "DeleteInvitationResult": [
      "ForbiddenError",
      "InvalidInputError",
      "InvitationDeleted",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ],
    "Error": [
      "AlreadyExistsError",
      "ConcurrentChangeError",
      "ForbiddenError",
      "InvalidInputError",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ],
    "UpdateInvitationRolesResult": [
      "ForbiddenError",
      "InvalidInputError",
      "InvitationRolesUpdated",
      "NotFoundError",
      "OutcomeUnknownError",
      "UpstreamError"
    ]
  }
};
      export default result;
    