/**
 * Raw AgentLink clients for tests that speak the wire protocol as an agent (or an impostor) would:
 * over TLS against the test hub's CA, with or without a node client certificate.
 */
import { credentials, type ServiceError } from "@grpc/grpc-js";
import { createCsr } from "../../lib/pki/csr";
import { AgentLinkClient, type JoinRequest, type JoinResponse } from "../../proto/gen/corral/v1/agent_link";
import { JOIN_TOKEN, type TestHub } from "./test-hub";
import { testKeys } from "./test-keys";

export { testKeys } from "./test-keys";

/** A certificate request signed with testKeys(). */
export async function testCsr(commonName = "test-node"): Promise<string> {
  return createCsr(await testKeys(), commonName);
}

/** An AgentLink client over TLS that trusts the hub's CA; `identity`: a node key and certificate. */
export function agentLinkClient(
  hub: TestHub,
  identity?: { keyPem: string; certPem: string },
  address = hub.hub.grpcAddress,
): AgentLinkClient {
  const ca = Buffer.from(hub.hub.ca.certPem);
  const creds = identity
    ? credentials.createSsl(ca, Buffer.from(identity.keyPem), Buffer.from(identity.certPem))
    : credentials.createSsl(ca);
  return new AgentLinkClient(address, creds, { "grpc.use_local_subchannel_pool": 1 });
}

/** One Join over TLS, as an agent sends it (a CSR of testKeys() unless `req` names one). */
export async function rawJoin(hub: TestHub, req: Partial<JoinRequest>): Promise<JoinResponse> {
  const client = agentLinkClient(hub);
  const certificateRequest = req.certificateRequest ?? (await testCsr());
  return new Promise<JoinResponse>((resolve, reject) => {
    client.join(
      {
        joinToken: JOIN_TOKEN,
        nodeName: "",
        cluster: "default",
        nodeCredential: "",
        ...req,
        certificateRequest,
      },
      (err: ServiceError | null, res?: JoinResponse) => {
        client.close();
        if (err || !res) reject(err ?? new Error("empty join response"));
        else resolve(res);
      },
    );
  });
}
