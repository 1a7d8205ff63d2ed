import { useState, type FormEvent } from "react";
import { api, enc } from "../api/client";
import { keys, useAction } from "../api/queries";
import type { QuotaUnit } from "../api/types";
import { ErrorText } from "./ErrorText";

type Pool = QuotaUnit["pools"][number];
type Resource = "gpu" | "cpuMilli" | "memoryMiB";

const FIELDS: { r: Resource; label: string; toForm: (n: number) => string; toApi: (t: string) => number }[] =
  [
    { r: "gpu", label: "GPUs", toForm: String, toApi: Number },
    {
      r: "cpuMilli",
      label: "CPU cores",
      toForm: (n) => String(n / 1000),
      toApi: (t) => Math.round(Number(t) * 1000),
    },
    { r: "memoryMiB", label: "Memory MiB", toForm: String, toApi: Number },
  ];

/** An empty limit is "no limit"; text that is no number goes as is, so the API says what is wrong. */
const number = (text: string, toApi: (t: string) => number): number | string => {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) ? toApi(t) : t;
};

/** Admins: deserved and limit of each resource of one unit in one pool (PUT .../pools/{pool}). */
export function QuotaEditor({ unit, pool, onDone }: { unit: QuotaUnit; pool: Pool; onDone: () => void }) {
  const [values, setValues] = useState(() =>
    Object.fromEntries(
      FIELDS.flatMap((f) => [
        [`${f.r}.deserved`, f.toForm(pool[f.r].deserved)],
        [`${f.r}.limit`, pool[f.r].limit === null ? "" : f.toForm(pool[f.r].limit as number)],
      ]),
    ),
  );
  const save = useAction(
    (body: unknown) => api("PUT", `/quota-units/${enc(unit.id)}/pools/${enc(pool.nodePool)}`, body),
    [keys.quota],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = Object.fromEntries(
      FIELDS.map((f) => {
        const limit = (values[`${f.r}.limit`] ?? "").trim();
        return [
          f.r,
          {
            deserved: number(values[`${f.r}.deserved`] ?? "", f.toApi),
            limit: limit === "" ? null : number(limit, f.toApi),
          },
        ];
      }),
    );
    save.mutate(body, { onSuccess: onDone });
  };
  const id = (k: string) => `q-${unit.id}-${pool.nodePool}-${k}`;
  return (
    <form
      className="form"
      onSubmit={submit}
      aria-label={`Edit quota of ${unit.name} in pool ${pool.nodePool}`}
    >
      <div className="row">
        {FIELDS.flatMap((f) =>
          (["deserved", "limit"] as const).map((k) => (
            <div className="field" key={`${f.r}.${k}`}>
              <label htmlFor={id(`${f.r}.${k}`)}>
                {f.label} {k}
              </label>
              <input
                id={id(`${f.r}.${k}`)}
                inputMode="decimal"
                placeholder={k === "limit" ? "none" : "0"}
                value={values[`${f.r}.${k}`] ?? ""}
                onChange={(e) => setValues((v) => ({ ...v, [`${f.r}.${k}`]: e.target.value }))}
              />
            </div>
          )),
        )}
      </div>
      <ErrorText error={save.error} />
      <button type="submit" className="primary" disabled={save.isPending}>
        Save quota
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
