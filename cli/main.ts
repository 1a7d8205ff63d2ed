// Entry point of the `corral` CLI (bin/corral.js calls main). Builds the command tree, runs one command
// and maps what happened to a documented exit code (exit-codes.ts). run() is main() without the
// process globals, so tests drive it in-process with their own stdout/stderr/stdin/env.
import { Command, CommanderError } from "commander";
import * as accessKeyCreate from "./commands/accesskey/create";
import * as accessKeyDelete from "./commands/accesskey/delete";
import * as accessKeyList from "./commands/accesskey/list";
import * as clusterLabelAdd from "./commands/cluster/label-add";
import * as clusterLabelRemove from "./commands/cluster/label-remove";
import * as clusterList from "./commands/cluster/list";
import * as nodePoolCreate from "./commands/nodepool/create";
import * as nodePoolDelete from "./commands/nodepool/delete";
import * as nodePoolList from "./commands/nodepool/list";
import * as nodePoolShow from "./commands/nodepool/show";
import * as events from "./commands/events";
import * as login from "./commands/login";
import * as logout from "./commands/logout";
import * as nodeCordon from "./commands/node/cordon";
import * as nodeDrain from "./commands/node/drain";
import * as nodeLabelAdd from "./commands/node/label-add";
import * as nodeLabelRemove from "./commands/node/label-remove";
import * as nodeList from "./commands/node/list";
import * as nodeMetrics from "./commands/node/metrics";
import * as nodeReplace from "./commands/node/replace";
import * as nodeShow from "./commands/node/show";
import * as nodeUncordon from "./commands/node/uncordon";
import * as nodeTaint from "./commands/node/taint";
import * as quotaList from "./commands/quota/list";
import * as quotaSet from "./commands/quota/set";
import * as tokenCreate from "./commands/token/create";
import * as tokenList from "./commands/token/list";
import * as tokenRevoke from "./commands/token/revoke";
import * as userCreate from "./commands/user/create";
import * as userList from "./commands/user/list";
import * as userPasswd from "./commands/user/passwd";
import * as userSet from "./commands/user/set";
import * as workloadList from "./commands/workload/list";
import * as workloadLogs from "./commands/workload/logs";
import * as workloadRun from "./commands/workload/run";
import * as workloadShow from "./commands/workload/show";
import * as workloadStop from "./commands/workload/stop";
import * as workloadStart from "./commands/workload/start";
import * as workloadExec from "./commands/workload/exec";
import * as workloadPortForward from "./commands/workload/port-forward";
import { CliContext } from "./context";
import type { CliIo } from "./context";
import { CliError, HubApiError, RemoteExit } from "./errors";
import { EXIT_CODES_HELP, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes";
import type { ExitCode } from "./exit-codes";

type Registrar = { register(parent: Command, ctx: CliContext): void };

/** The whole command tree. Fresh per run: commander keeps parsed values on the Command objects. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("corral")
    .description("Admin CLI for a Corral hub: nodes, clusters, join tokens and workloads")
    .option("--hub <url>", "hub address (default: $CORRAL_HUB_URL, else the one stored by corral login)")
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride() // throw instead of process.exit, so run() picks the exit code
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `\nThe token comes from $CORRAL_TOKEN, else from corral login (config in $CORRAL_CONFIG_DIR,\n` +
        `$XDG_CONFIG_HOME/corral or ~/.config/corral).\n\n${EXIT_CODES_HELP}\n`,
    );
  // Topics are created after the settings above, so they and their commands inherit them.
  add(program, ctx, login, logout, events);
  const node = program.command("node").description("list and inspect nodes; label and cordon them");
  add(node, ctx, nodeList, nodeShow, nodeCordon, nodeDrain, nodeUncordon, nodeReplace, nodeMetrics);
  add(node, ctx, nodeTaint);
  add(node.command("label").description("add or remove node labels"), ctx, nodeLabelAdd, nodeLabelRemove);
  const cluster = program.command("cluster").description("list clusters and label them");
  add(cluster, ctx, clusterList);
  add(
    cluster.command("label").description("add or remove cluster labels"),
    ctx,
    clusterLabelAdd,
    clusterLabelRemove,
  );
  add(
    program.command("nodepool").description("node pools: label selectors over nodes"),
    ctx,
    nodePoolList,
    nodePoolShow,
    nodePoolCreate,
    nodePoolDelete,
  );
  add(
    program.command("token").description("join tokens that let new nodes join (admin)"),
    ctx,
    tokenCreate,
    tokenList,
    tokenRevoke,
  );
  add(
    program.command("accesskey").description("access keys (AK/SK) for Huawei Cloud SDK clients (ModelArts)"),
    ctx,
    accessKeyCreate,
    accessKeyList,
    accessKeyDelete,
  );
  add(
    program.command("quota").description("quota units: projects, departments, virtual clusters..."),
    ctx,
    quotaList,
    quotaSet,
  );
  add(
    program.command("user").description("users: create, make admin, disable, reset password (admin)"),
    ctx,
    userList,
    userCreate,
    userSet,
    userPasswd,
  );
  add(
    program.command("workload").description("run, inspect, stop and start workloads"),
    ctx,
    workloadRun,
    workloadList,
    workloadShow,
    workloadLogs,
    workloadStop,
    workloadStart,
    workloadExec,
    workloadPortForward,
  );
  return program;
}

function add(parent: Command, ctx: CliContext, ...commands: Registrar[]): void {
  for (const c of commands) c.register(parent, ctx);
}

/** Runs one command line (without `node corral`) and returns its exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const ctx = new CliContext(io);
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (err) {
    return report(err, io);
  } finally {
    ctx.prompter.close();
  }
}

/** Writes `Error: ...` to stderr (commander has already written its own usage errors) and picks the code. */
function report(err: unknown, io: CliIo): ExitCode {
  if (err instanceof RemoteExit) return (err.code & 0xff) as ExitCode;
  if (err instanceof CommanderError) {
    // helpDisplayed / version exit 0; everything else commander throws is a bad command line.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof HubApiError) {
    if (err.status === 401 && err.path !== "/auth/login") {
      io.stderr.write("Error: not logged in or token expired: run corral login\n");
      return err.exitCode;
    }
    const field = err.field ? ` (field: ${err.field})` : "";
    const requestId = err.requestId ? ` (request id ${err.requestId})` : "";
    io.stderr.write(`Error: ${err.message}${field}${requestId}\n`);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    io.stderr.write(`Error: ${err.message}\n`);
    return err.exitCode;
  }
  // A bug, not a user mistake: say so, keep the stack where someone can report it.
  io.stderr.write(
    `Error: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return EXIT_FAILURE;
}

/** Process entry point used by bin/corral.js; sets process.exitCode rather than calling exit(). */
export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    now: () => new Date(),
    pollIntervalMs: 1000,
  });
}
