import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { pollInterval } from "../lib/backoff";
import { get } from "./client";
import type {
  AccessKey,
  Cluster,
  Items,
  JoinToken,
  Me,
  Node,
  NodePool,
  NodeSample,
  QuotaUnit,
  User,
  Workload,
  WorkloadEvent,
} from "./types";

/**
 * Live views poll with back-off (lib/backoff.ts): every 2 s while the hub answers, doubling after
 * each failure up to a minute. TanStack Query pauses polling in a hidden tab.
 */
/** What the polling reads of a query (any query's state has it). */
interface Polled {
  state: { fetchFailureCount: number };
}

export const live = {
  refetchInterval: (query: Polled) => pollInterval(query.state.fetchFailureCount),
  retry: 1,
} as const;

export const keys = {
  me: ["me"],
  nodes: ["nodes"],
  node: (name: string) => ["nodes", name],
  nodeMetrics: (name: string) => ["nodes", name, "metrics"],
  workloads: ["workloads"],
  workload: (id: string) => ["workloads", id],
  events: ["events"],
  clusters: ["clusters"],
  pools: ["node-pools"],
  quota: ["quota-units"],
  tokens: ["join-tokens"],
  users: ["users"],
  accessKeys: ["access-keys"],
} as const;

const items = <T>(path: string) => get<Items<T>>(path).then((r) => r.items);

export const useMe = () =>
  useQuery({ queryKey: keys.me, queryFn: () => get<Me>("/auth/me"), retry: false, staleTime: 60_000 });
export const useNodes = () =>
  useQuery({ queryKey: keys.nodes, queryFn: () => items<Node>("/nodes"), ...live });
export const useNode = (name: string) =>
  useQuery({
    queryKey: keys.node(name),
    queryFn: () => get<Node>(`/nodes/${encodeURIComponent(name)}`),
    ...live,
  });
export const useNodeMetrics = (name: string) =>
  useQuery({
    queryKey: keys.nodeMetrics(name),
    queryFn: () => items<NodeSample>(`/nodes/${encodeURIComponent(name)}/metrics`),
    ...live,
    refetchInterval: (q: Polled) => Math.max(10_000, pollInterval(q.state.fetchFailureCount)),
  });
export const useWorkloads = () =>
  useQuery({ queryKey: keys.workloads, queryFn: () => items<Workload>("/workloads?limit=500"), ...live });
export const useWorkload = (id: string) =>
  useQuery({
    queryKey: keys.workload(id),
    queryFn: () => get<Workload>(`/workloads/${encodeURIComponent(id)}`),
    ...live,
  });
export const useWorkloadEvents = (id: string) =>
  useQuery({
    queryKey: [...keys.workload(id), "events"],
    queryFn: () => items<WorkloadEvent>(`/workloads/${encodeURIComponent(id)}/events`),
    ...live,
  });
export const useEvents = () =>
  useQuery({ queryKey: keys.events, queryFn: () => items<WorkloadEvent>("/events?limit=15"), ...live });
export const useClusters = () =>
  useQuery({ queryKey: keys.clusters, queryFn: () => items<Cluster>("/clusters"), ...live });
export const usePools = () =>
  useQuery({ queryKey: keys.pools, queryFn: () => items<NodePool>("/node-pools"), ...live });
export const useQuotaUnits = () =>
  useQuery({ queryKey: keys.quota, queryFn: () => items<QuotaUnit>("/quota-units"), ...live });
export const useTokens = () =>
  useQuery({ queryKey: keys.tokens, queryFn: () => items<JoinToken>("/join-tokens") });
export const useAccessKeys = () =>
  useQuery({ queryKey: keys.accessKeys, queryFn: () => items<AccessKey>("/access-keys") });
export const useUsers = () => useQuery({ queryKey: keys.users, queryFn: () => items<User>("/users") });

/** A write that refreshes the views it changes once it succeeds. */
export function useAction<A, R>(fn: (args: A) => Promise<R>, refresh: readonly (readonly string[])[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all(refresh.map((key) => qc.invalidateQueries({ queryKey: key })));
    },
  });
}
