/**
 * The submit form <-> the native API: form text -> POST /workloads body, and an API refusal ->
 * the message next to the field it names. The form does not second-guess the API: text that is
 * not a number is sent as text, so the API's own validation message is what the user reads.
 */

export interface WorkloadForm {
  name: string;
  image: string;
  /** Shell-like words: `sh -c "echo hi"` -> ["sh", "-c", "echo hi"]. */
  command: string;
  instances: string;
  /** Cores, decimals allowed: "0.5". */
  cpu: string;
  /** MiB, or with a binary suffix: "512", "512Mi", "2Gi", "1Ti". */
  memory: string;
  gpu: string;
  /** One KEY=VALUE a line. */
  env: string;
  /** Labels, comma or space separated: "gpu, zone=a". */
  nodeSelector: string;
  /** Quota unit name or kind/name (empty: none). */
  quotaUnit: string;
  /** Empty: the API's default for the kind. */
  priorityClass: string;
}

export type FormField = keyof WorkloadForm | "form";

export const EMPTY_FORM: WorkloadForm = {
  name: "",
  image: "",
  command: "",
  instances: "1",
  cpu: "",
  memory: "",
  gpu: "0",
  env: "",
  nodeSelector: "",
  quotaUnit: "",
  priorityClass: "",
};

/** Splits like a shell: whitespace separates words, '...' and "..." group, \ escapes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** A whole number as a number; anything else as the text itself (the API says what is wrong). */
const integer = (text: string, empty: number): number | string => {
  const t = text.trim();
  if (t === "") return empty;
  return /^-?\d+$/.test(t) ? Number(t) : t;
};

/** Cores -> millicores: "0.5" -> 500; "" -> 0; other text as is. */
export function cpuMilli(text: string): number | string {
  const t = text.trim();
  if (t === "") return 0;
  return /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 1000) : t;
}

const MEMORY_UNITS: Record<string, number> = { "": 1, mi: 1, gi: 1024, ti: 1024 * 1024 };

/** Memory text -> MiB: "512" and "512Mi" -> 512, "2Gi" -> 2048; "" -> 0; other text as is. */
export function memoryMiB(text: string): number | string {
  const t = text.trim();
  if (t === "") return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(mi|gi|ti)?b?$/i.exec(t);
  if (!m) return t;
  const unit = MEMORY_UNITS[(m[2] ?? "").toLowerCase()] as number;
  return Math.round(Number(m[1]) * unit);
}

/** KEY=VALUE lines -> an object; a line without "=" becomes a key with the empty value. */
export function envLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l === "") continue;
    const eq = l.indexOf("=");
    if (eq < 0) env[l] = "";
    else env[l.slice(0, eq).trim()] = l.slice(eq + 1);
  }
  return env;
}

export const labelList = (text: string): string[] => text.split(/[\s,]+/).filter((l) => l !== "");

/** The POST /workloads body for the form (text kept where it is not a number: see above). */
export function submitBody(f: WorkloadForm): Record<string, unknown> {
  return {
    name: f.name.trim(),
    image: f.image.trim(),
    command: splitWords(f.command),
    instances: integer(f.instances, 1),
    resources: { cpuMilli: cpuMilli(f.cpu), memoryMiB: memoryMiB(f.memory), gpu: integer(f.gpu, 0) },
    env: envLines(f.env),
    nodeSelector: labelList(f.nodeSelector),
    ...(f.quotaUnit.trim() ? { quotaUnit: f.quotaUnit.trim() } : {}),
    ...(f.priorityClass ? { priorityClass: f.priorityClass } : {}),
  };
}

/** The native API's error body. */
export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
}

/** The API's field paths (first segment, or a whole dotted path) -> the form's field. */
const FIELD_OF: Record<string, FormField> = {
  name: "name",
  image: "image",
  command: "command",
  instances: "instances",
  "resources.cpuMilli": "cpu",
  "resources.memoryMiB": "memory",
  "resources.gpu": "gpu",
  resources: "cpu",
  env: "env",
  nodeSelector: "nodeSelector",
  quotaUnit: "quotaUnit",
  project: "quotaUnit",
  priorityClass: "priorityClass",
};

/**
 * Where an API refusal belongs on the form and what it says there: a validation error names its
 * field (`resources.gpu: Too big...` -> gpu, "Too big..."); a missing quota unit goes to that
 * field; anything else is a message for the whole form.
 */
export function fieldError(err: ApiErrorBody): { field: FormField; message: string } {
  if (err.field) {
    const path = err.field.split(".");
    const field = FIELD_OF[path.slice(0, 2).join(".")] ?? FIELD_OF[path[0] as string];
    const prefix = `${err.field}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    if (field) return { field, message: path[0] === "env" && path[1] ? `${path[1]}: ${message}` : message };
  }
  if (err.code === "not_found" && /^(quota unit|project) /.test(err.message))
    return { field: "quotaUnit", message: err.message };
  return { field: "form", message: err.message };
}
