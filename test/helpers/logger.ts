import pino, { type Logger } from "pino";

/** Silent unless CORRAL_TEST_LOG is set to a level (debugging a test). */
export function testLogger(): Logger {
  return pino({ level: process.env.CORRAL_TEST_LOG ?? "silent" });
}
