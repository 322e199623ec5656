import { nextTick, reactive, ref, watch, type Ref } from 'vue';

import { ApiError } from '../api/client';

type Issue = { path: readonly PropertyKey[]; message: string };
/** What the contract schemas (zod) offer; typed structurally so the shell never imports zod itself. */
export interface ParseSchema<Out> {
  safeParse(value: unknown): { success: true; data: Out } | { success: false; error: { issues: Issue[] } };
}

const keyOf = (path: readonly PropertyKey[]) => path.map(String).join('.');

/**
 * Inline validation with the API's own rules (STYLE §7): the form parses its values with the contract
 * schema the gateway uses, shows each message beside its field, focuses the first invalid field after
 * a failed submit, and puts the gateway's field errors (400 `details.issues`) in the same places.
 */
export function useForm<Values extends object, Out>(schema: ParseSchema<Out>, initial: () => Values) {
  const values = reactive(initial()) as Values;
  const errors = ref<Record<string, string>>({});
  const submitting = ref(false);
  /** An error that belongs to no field (403, 409, network): shown above the actions. */
  const formError = ref<unknown>(null);
  const attempted = ref(false);
  const formRef: Ref<HTMLElement | null> = ref(null);

  function check(): Out | null {
    const result = schema.safeParse(values);
    if (result.success) {
      errors.value = {};
      return result.data;
    }
    const next: Record<string, string> = {};
    for (const issue of result.error.issues) next[keyOf(issue.path)] ??= issue.message;
    errors.value = next;
    return null;
  }

  // Once a submit has failed, each change re-checks, so a corrected field clears its error at once.
  watch(values, () => attempted.value && check(), { deep: true });

  async function focusFirstInvalid(): Promise<void> {
    await nextTick();
    formRef.value?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  /** Validates, then runs `action` with the parsed input; false when anything failed. */
  async function submit(action: (input: Out) => Promise<unknown>): Promise<boolean> {
    attempted.value = true;
    formError.value = null;
    const input = check();
    if (input === null) {
      await focusFirstInvalid();
      return false;
    }
    submitting.value = true;
    try {
      await action(input);
      return true;
    } catch (err) {
      const fieldIssues = issuesFrom(err);
      if (fieldIssues.length > 0) {
        errors.value = Object.fromEntries(fieldIssues.map((i) => [keyOf(i.path), i.message]));
        await focusFirstInvalid();
      } else {
        formError.value = err;
      }
      return false;
    } finally {
      submitting.value = false;
    }
  }

  function error(path: string): string | null {
    return errors.value[path] ?? null;
  }

  /** Back to the initial values (or some of them kept), with no errors showing. */
  function reset(keep: Partial<Values> = {}): void {
    Object.assign(values, initial(), keep);
    errors.value = {};
    formError.value = null;
    attempted.value = false;
  }

  // reactive: templates read `form.submitting`, and `:ref="(el) => (form.formRef = el)"` sets the ref.
  return reactive({ values, errors, error, submitting, formError, formRef, submit, reset });
}

function issuesFrom(err: unknown): Issue[] {
  if (!(err instanceof ApiError) || err.code !== 'request.invalid') return [];
  const issues = (err.details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues)
    ? (issues as Issue[]).filter((i) => Array.isArray(i.path) && i.path.length)
    : [];
}
