import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { ApiError, post } from "../api/client";
import { keys, useQuotaUnits } from "../api/queries";
import type { Workload } from "../api/types";
import { EMPTY_FORM, fieldError, submitBody, type FormField, type WorkloadForm } from "../lib/workload-form";

const PRIORITY_CLASSES = ["train", "interactive-preemptible", "build", "inference"];

/**
 * The submit form. The API validates; its refusal is shown next to the field it names
 * (lib/workload-form.ts maps the API's field paths to these inputs).
 */
export function SubmitWorkload() {
  const [form, setForm] = useState<WorkloadForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [busy, setBusy] = useState(false);
  const [, navigate] = useLocation();
  const qc = useQueryClient();
  const units = useQuotaUnits();
  const set = (k: keyof WorkloadForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const w = await post<Workload>("/workloads", submitBody(form));
      await qc.invalidateQueries({ queryKey: keys.workloads });
      navigate(`/workloads/${w.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const { field, message } = fieldError(err.body);
        setErrors({ [field]: message });
        if (field !== "form") document.getElementById(`wf-${field}`)?.focus();
      } else setErrors({ form: String(err) });
    } finally {
      setBusy(false);
    }
  };

  const field = (k: keyof WorkloadForm, label: string, input: ReactNode, hint?: string) => (
    <div className={`field${errors[k] ? " invalid" : ""}`}>
      <label htmlFor={`wf-${k}`}>{label}</label>
      {input}
      {hint && (
        <p className="hint" id={`wf-${k}-hint`}>
          {hint}
        </p>
      )}
      {errors[k] && (
        <p className="error" id={`wf-${k}-error`} role="alert">
          {errors[k]}
        </p>
      )}
    </div>
  );
  const described = (k: keyof WorkloadForm, hint?: boolean) =>
    [hint ? `wf-${k}-hint` : "", errors[k] ? `wf-${k}-error` : ""].filter(Boolean).join(" ") || undefined;
  const text = (k: keyof WorkloadForm, label: string, hint?: string, placeholder?: string) =>
    field(
      k,
      label,
      <input
        id={`wf-${k}`}
        value={form[k]}
        onChange={set(k)}
        placeholder={placeholder}
        aria-invalid={errors[k] ? true : undefined}
        aria-describedby={described(k, Boolean(hint))}
      />,
      hint,
    );

  return (
    <>
      <p className="crumbs">
        <Link href="/workloads">Workloads</Link> /
      </p>
      <h1>Submit a workload</h1>
      <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
        {text("name", "Name", undefined, "train-resnet")}
        {text("image", "Image", undefined, "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime")}
        {text("command", "Command", 'Words as in a shell: sh -c "echo hello"', "python train.py")}
        <div className="row">
          {text("instances", "Instances")}
          {text("cpu", "CPU (cores)", "e.g. 0.5", "0")}
          {text("memory", "Memory", "MiB, or 512Mi, 2Gi", "0")}
          {text("gpu", "GPUs")}
        </div>
        {field(
          "env",
          "Environment",
          <textarea
            id="wf-env"
            rows={3}
            value={form.env}
            onChange={set("env")}
            placeholder={"EPOCHS=10\nLR=0.01"}
            aria-invalid={errors.env ? true : undefined}
            aria-describedby={described("env", true)}
          />,
          "One KEY=VALUE a line",
        )}
        {text("nodeSelector", "Node selector", "Labels every node must have, comma separated", "gpu, zone=a")}
        <div className="row">
          {field(
            "quotaUnit",
            "Quota unit",
            <input
              id="wf-quotaUnit"
              list="quota-units"
              value={form.quotaUnit}
              onChange={set("quotaUnit")}
              aria-invalid={errors.quotaUnit ? true : undefined}
              aria-describedby={described("quotaUnit")}
            />,
          )}
          <datalist id="quota-units">
            {(units.data ?? []).map((u) => (
              <option key={u.id} value={`${u.kind}/${u.name}`} />
            ))}
          </datalist>
          {field(
            "priorityClass",
            "Priority class",
            <select
              id="wf-priorityClass"
              value={form.priorityClass}
              onChange={set("priorityClass")}
              aria-describedby={described("priorityClass")}
            >
              <option value="">default for the kind</option>
              {PRIORITY_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>,
          )}
        </div>
        {errors.form && (
          <p className="error" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Submit
        </button>
      </form>
    </>
  );
}
