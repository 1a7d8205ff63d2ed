/**
 * In-process notifications from the core to its adapters (the agent gateway, the scheduler loop),
 * so the core never imports them. Listeners run synchronously and must not throw.
 */
type Listener<T> = (value: T) => void;

class Signal<T> {
  private readonly listeners: Listener<T>[] = [];
  on(listener: Listener<T>): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
  emit(value: T): void {
    for (const l of this.listeners) l(value);
  }
}

export class CoreSignals {
  /** The set of tasks a node should run changed. */
  readonly desiredChanged = new Signal<string>();
  /** Something that may let pending tasks be placed happened (submit, node ready, task ended). */
  readonly schedulingNeeded = new Signal<string>();
  /** A node's labels changed (the gateway tells a connected agent). */
  readonly nodeChanged = new Signal<string>();
  /** A node was drained (the gateway sends its agent `Drain` with the reason). */
  readonly nodeDrained = new Signal<{ nodeId: string; reason: string }>();
}
