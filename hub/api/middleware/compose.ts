import type { ApiMiddleware } from "../context";

/** A composed middleware; `stack` lists what it runs (tests walk it to find every route). */
export type Composed = ApiMiddleware & { readonly stack: readonly ApiMiddleware[] };

/** Runs middleware in order, Koa style (each awaits next()). */
export function compose(stack: readonly ApiMiddleware[]): Composed {
  const composed = function composed(ctx, next) {
    const dispatch = (i: number): Promise<void> => {
      const fn = i === stack.length ? next : stack[i];
      if (!fn) return Promise.resolve();
      return Promise.resolve(fn(ctx, () => dispatch(i + 1)));
    };
    return dispatch(0);
  } as ApiMiddleware;
  return Object.assign(composed, { stack });
}
