import type { ApiMiddleware } from "../context";

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
