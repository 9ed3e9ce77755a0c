import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { callerIdentity } from '../auth/identity.ts';
import type { GatewayContext } from '../context.ts';
import { RequestErrorCode, requestRefusal } from '../errors/index.ts';
import type { CallerBudgets, OperationKind } from '../security/rate-limit.ts';

/**
 * Per-caller budgets, before any Ops Manager call: each caller identity (auth/identity.ts) may
 * run so many queries and, separately, so many mutations per minute (rate-limiter-flexible:
 * fixed one-minute windows, in Redis when configured so that every replica counts against one
 * budget, in memory otherwise). An operation over its budget is refused as a whole with HTTP 429,
 * `RATE_LIMITED` and `Retry-After` (the seconds until the window that refused it ends); it costs
 * nothing upstream. One operation costs one unit, whatever it asks: the project cap
 * (MAX_PROJECTS_PER_OPERATION) bounds what one operation can cost, and the fair in-flight line
 * (fair-queue.ts) keeps a heavy operation from crowding out other callers.
 *
 * When Redis cannot respond, the request goes on (fail open), as the idempotency store does: an
 * outage of the shared state must not become an outage of the API. `onStoreError` counts it.
 */
export function useRateLimit(budgets: CallerBudgets): Plugin<GatewayContext> {
  const { options, limiters } = budgets;
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const kind: OperationKind =
        getOperationAST(args.document, args.operationName)?.operation === 'mutation' ? 'mutation' : 'read';
      const budget = limiters[kind];
      if (!budget) return;
      const context = args.contextValue as GatewayContext;
      const identity = callerIdentity(context.caller);
      try {
        await budget.consume(identity.key);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) {
          options.onStoreError?.();
          options.logger.debug(
            { requestId: context.requestId, err: { message: (refusal as Error).message } },
            'Rate-limit store unavailable: the request goes on without its budget',
          );
          return;
        }
        options.onLimited?.(identity.class, kind);
        const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        setResultAndStopExecution({
          errors: [
            requestRefusal(
              RequestErrorCode.RATE_LIMITED,
              `Too many ${kind === 'read' ? 'queries' : 'mutations'} from this caller; try again in ${seconds} s.`,
              { headers: { 'retry-after': String(seconds) }, extensions: { retryAfterSeconds: seconds } },
            ),
          ],
        });
      }
    },
  };
}
