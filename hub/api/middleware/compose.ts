import type { ApiContext, ApiMiddleware } from "../context";

/** Runs middleware in order, Koa style (each awaits next()). */
export function compose(stack: readonly ApiMiddleware[]): ApiMiddleware {
  return function composed(ctx, next) {
    const dispatch = (i: number): Promise<void> => {
      const fn = i === stack.length ? next : stack[i];
      if (!fn) return Promise.resolve();
      return Promise.resolve(fn(ctx, () => dispatch(i + 1)));
    };
    return dispatch(0);
  };
}

/**
 * Mounts one API surface: requests whose path matches `matches` run through the surface's own
 * stack (its error middleware first, so every answer has the surface's error shape). A stack that
 * calls next() past its last middleware hands the request on to the surfaces mounted after it
 * (how two surfaces share a path, e.g. POST /api/v1/token); others pass straight on.
 */
export function surface(matches: (path: string) => boolean, stack: readonly ApiMiddleware[]): ApiMiddleware {
  const run = compose(stack);
  return async function surfaceMount(ctx: ApiContext, next) {
    if (!matches(ctx.path)) return next();
    await run(ctx, next);
  };
}
