// Where a new password comes from: --password, else a prompt without echo (or one line on stdin).
import type { CliContext } from "../../context";
import { UsageError } from "../../errors";

export async function newPassword(
  ctx: CliContext,
  given: string | undefined,
  label: string,
): Promise<string> {
  if (given !== undefined) return given;
  const answer = (await ctx.prompter.ask(label, true))?.trim();
  if (!answer) throw new UsageError("--password is required (no answer on stdin)");
  return answer;
}
