/**
 * Every property suite, in one test file: vitest gives each test file its own module graph
 * (about 3 s to import Yoga, graphql and the schema), and on a 2-core machine it runs test files
 * one after another. The suites are side-effect imports; each starts its own stack.
 *
 * Generated inputs (numRuns of each property in its suite's file; the summaries printed at the
 * end of the run count them per class):
 *   invalid-arguments.ts   6,300  ids, emails, role lists, wrong types, null/missing, deep JSON
 *   invalid-requests.ts    2,740  role literals, empty role lists, huge lists, broken documents, garbage bodies
 *                            200  known gap: unsupported content types (all run, safety asserted)
 *                            100  known harmful gap: unsupported Accept (stops at its first input while open)
 *                            300  ids, emails and garbage bodies over a real socket
 *   well-formed-inputs.ts    800  valid-looking input that must reach Ops Manager, once
 *   total                 10,440  (10,341 today, while the Accept gap stops at once)
 */
import './invalid-arguments.ts';
import './invalid-requests.ts';
import './well-formed-inputs.ts';
