/**
 * The operation GraphiQL opens with: it runs as-is against the embedded simulator's demo
 * projects and shows the other entry points in comments, so the API teaches itself.
 */
export function exampleOperation(demoProjectIds: readonly string[] = []): string {
  const [first = '<24-hex project id>', second = first] = demoProjectIds;
  return `# Pending invitations of two projects: one Ops Manager call per project.
# Try also: the mutations updateInvitationRoles, createInvitation and deleteInvitation
# (see the Docs pane); expected failures come back as typed members of their result.
query ProjectInvitations {
  project(id: "${first}") {
    id
    invitations {
      id
      username
      roles
      expiresAt
      expired
    }
  }
  projects(ids: ["${first}", "${second}"]) {
    id
    invitations {
      username
      roles
    }
  }
}
`;
}
