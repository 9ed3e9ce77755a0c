// The errors' one home: the code table (codes.ts), how a code sets the HTTP status (http.ts), and
// the expected failures as classes (gateway-error.ts). Import from here.
export * from './codes.ts';
export * from './gateway-error.ts';
export * from './http.ts';
