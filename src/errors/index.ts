// The errors' one home: the code table (codes.ts), how a code sets the HTTP status (http.ts), the
// expected failures as classes (gateway-error.ts), and what an upstream failure becomes
// (upstream.ts: imported on its own, by the upstream path, as it reads Ops Manager's error bodies).
// Import from here.
export * from './codes.ts';
export * from './gateway-error.ts';
export * from './http.ts';
