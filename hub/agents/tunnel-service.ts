import { AgentLinkService, TunnelFrame } from "../../proto/gen/corral/v1/agent_link";
import { tunnelFrameCodec, type OutgoingFrame } from "../../lib/tunnel-frames";

const codec = tunnelFrameCodec(TunnelFrame);

/** What the hub writes to a Tunnel call: a TunnelFrame, or data frames encodeDataFrames() built. */
export type HubTunnelFrame = OutgoingFrame<TunnelFrame>;

/**
 * AgentLink as the hub serves it: the generated definition with the fast Tunnel codec
 * (lib/tunnel-frames.ts; same wire format, fewer copies of tunnelled bytes).
 */
export const AgentLinkServiceFastTunnel = {
  ...AgentLinkService,
  tunnel: {
    ...AgentLinkService.tunnel,
    requestSerialize: codec.serialize,
    requestDeserialize: codec.deserialize,
    responseSerialize: codec.serialize,
    responseDeserialize: codec.deserialize,
  },
} as const;
