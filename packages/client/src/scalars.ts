/**
 * How the gateway's custom scalars arrive in JSON: all three are strings. The generated types
 * use this mapping, and so should an app that runs its own codegen over the shipped
 * `schema.graphql` (`config: { scalars }` in its codegen.ts).
 */
export const scalars = {
  /** 24 hexadecimal characters, e.g. `5f43a1c2e4b0a1b2c3d4e5f6`. */
  ObjectID: 'string',
  /** An email address, as the user typed it. */
  EmailAddress: 'string',
  /** ISO 8601 with a time zone, e.g. `2026-01-31T12:00:00Z`. */
  DateTime: 'string',
} as const;
