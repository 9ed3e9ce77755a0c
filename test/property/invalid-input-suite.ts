import type fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../integration/stack.ts';
import {
  type Answer,
  type Call,
  errorLogLines,
  type Expected,
  expectHarmless,
  expectRefused,
  expectStillServing,
  expectUpstreamPathServing,
  forAll,
  refusalFlaws,
  send,
  Tally,
  type Transport,
} from './harness.ts';

/** One class of invalid input: how to generate it, how to send it, and what it must get. */
export interface InvalidInputProperty<T> {
  /** The bad-input class, as the summary names it. */
  name: string;
  numRuns: number;
  inputs: fc.Arbitrary<T>;
  request: (input: T) => Call;
  expected?: Expected;
  /** A known gap that today is not even safe: some inputs reach Ops Manager (or get a 5xx). */
  harmful?: boolean;
}

/** Erases the input type so that properties over different inputs share one list. */
export function invalidInput<T>(property: InvalidInputProperty<T>): InvalidInputProperty<unknown> {
  return property as unknown as InvalidInputProperty<unknown>;
}

export interface InvalidInputSuite {
  /** Each generated input gets a clear refusal with a documented code, no 5xx, no upstream call. */
  properties: InvalidInputProperty<unknown>[];
  /**
   * KNOWN GAPS: classes the gateway does not handle well today. Those that are safe (no 5xx, no
   * upstream call, the gateway keeps answering) but get no clear coded error have their safety
   * asserted and the clear error checked by an `it.fails`; `harmful` ones are checked as a
   * whole by an `it.fails`. An `it.fails` starts failing once the gateway is fixed (a reminder):
   * then move the class into `properties`.
   */
  knownGaps?: InvalidInputProperty<unknown>[];
  /** @default 'in-process' */
  transport?: Transport;
}

/** Every this many inputs, and after the last, the gateway must still answer a known-good operation. */
const LIVENESS_EVERY = 50;

/**
 * A property's time limit: generous, because the whole suite must also pass on a loaded 2-core
 * machine (it takes a fraction of this on an idle one).
 */
export const PROPERTY_TIMEOUT_MS = 120_000;

/**
 * Runs each property against one stack (simulator, real Digest, gateway). A crash would end the
 * worker, and a gateway left broken by an input would fail the next liveness check: a known-good
 * operation every LIVENESS_EVERY inputs (every input would double the run time), and a known-good
 * read through to Ops Manager after each property. Prints the classes tried and the answers they got.
 */
export function describeInvalidInput(title: string, suite: InvalidInputSuite): void {
  describe(title, () => {
    let stack: Stack;
    const tally = new Tally();
    const transport = suite.transport ?? 'in-process';
    const gaps = suite.knownGaps ?? [];

    beforeAll(async () => {
      stack = await startStack({ logLevel: 'warn' });
    });
    afterAll(async () => {
      console.log(tally.format(title));
      await stack?.close();
    });

    /** Sends every generated input and applies `check` to its answer, with the liveness checks. */
    async function run(
      property: InvalidInputProperty<unknown>,
      check: (answer: Answer) => void,
      endOnFailure = false,
    ): Promise<void> {
      let inputs = 0;
      await forAll(property.inputs, { numRuns: property.numRuns, endOnFailure }, async (input) => {
        const answer = await send(stack, property.request(input), transport);
        tally.record(property.name, answer);
        check(answer);
        if (++inputs % LIVENESS_EVERY === 0) await expectStillServing(stack, transport);
      });
      await expectStillServing(stack, transport);
    }

    for (const property of suite.properties) {
      it(`${property.name} (${property.numRuns} runs)`, { timeout: PROPERTY_TIMEOUT_MS }, async () => {
        await run(property, (answer) => expectRefused(answer, property.expected));
        await expectUpstreamPathServing(stack, transport);
      });
    }

    for (const property of gaps.filter((gap) => gap.harmful)) {
      it.fails(`KNOWN HARMFUL GAP, ${property.name} (${property.numRuns} runs): no upstream call, a clear coded error`, {
        timeout: PROPERTY_TIMEOUT_MS,
      }, async () => {
        await run(property, (answer) => expectRefused(answer, property.expected), true);
      });
    }

    for (const property of gaps.filter((gap) => !gap.harmful)) {
      const flaws = new Map<string, number>();
      it(`${property.name} (${property.numRuns} runs): no 5xx, no upstream call, still serving`, {
        timeout: PROPERTY_TIMEOUT_MS,
      }, async () => {
        await run(property, (answer) => {
          expectHarmless(answer);
          for (const flaw of refusalFlaws(answer, property.expected)) flaws.set(flaw, (flaws.get(flaw) ?? 0) + 1);
        });
      });
      it.fails(`KNOWN GAP, ${property.name}: a clear error with a documented code`, () => {
        expect([...flaws.keys()].slice(0, 10), `${flaws.size} distinct flaws`).toEqual([]);
      });
    }

    it('logged no unexpected error, and still reads through to Ops Manager', async () => {
      expect(errorLogLines(stack)).toEqual([]);
      await expectStillServing(stack, transport);
      await expectUpstreamPathServing(stack, transport);
    });
  });
}
