import {
  makeGenericClientConstructor,
  type CallOptions,
  type ChannelCredentials,
  type ClientDuplexStream,
  type ClientOptions,
  type Metadata,
} from "@grpc/grpc-js";
import { type AgentLinkClient, AgentLinkService, TunnelFrame } from "../../proto/gen/corral/v1/agent_link";
import { tunnelFrameCodec, type OutgoingFrame } from "../../lib/tunnel-frames";

const codec = tunnelFrameCodec(TunnelFrame);

/** What the agent writes to a Tunnel call: a TunnelFrame, or data frames encodeDataFrames() built. */
export type AgentTunnelFrame = OutgoingFrame<TunnelFrame>;

/** AgentLinkClient whose Tunnel calls use the fast codec and also take pre-encoded frames. */
export type FastTunnelAgentLinkClient = Omit<AgentLinkClient, "tunnel"> & {
  tunnel(
    metadata: Metadata,
    options?: Partial<CallOptions>,
  ): ClientDuplexStream<AgentTunnelFrame, TunnelFrame>;
};

/**
 * AgentLinkClient with the fast Tunnel codec (lib/tunnel-frames.ts; same wire format, fewer
 * copies of tunnelled bytes); the agent dials the hub with this one.
 */
export const FastTunnelAgentLinkClient = makeGenericClientConstructor(
  {
    ...AgentLinkService,
    tunnel: {
      ...AgentLinkService.tunnel,
      requestSerialize: codec.serialize,
      requestDeserialize: codec.deserialize,
      responseSerialize: codec.serialize,
      responseDeserialize: codec.deserialize,
    },
  },
  "corral.v1.AgentLink",
  // Reason for the cast: grpc-js types generic clients loosely; this is the shape it builds.
) as unknown as new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => FastTunnelAgentLinkClient;
